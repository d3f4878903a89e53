package dev.postcall.spring;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.sql.DataSource;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.task.SimpleAsyncTaskExecutorCustomizer;
import org.springframework.boot.task.ThreadPoolTaskExecutorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.task.TaskDecorator;
import org.springframework.boot.origin.Origin;

import io.micrometer.observation.ObservationRegistry;

import dev.postcall.servlet.PostCallWebhookFilter;
import dev.postcall.spi.DeliveryStore;

/**
 * Receives ElevenLabs post-call webhooks in a Spring Boot servlet application: puts the verifying filter and the
 * servlet of {@code postcall-servlet} on {@code postcall.path} and publishes every verified event as an application
 * event ({@code @EventListener void on(TranscriptionEvent event)}). Settings: {@link PostCallProperties};
 * {@code postcall.enabled=false} registers nothing.
 *
 * <p>Where Spring Boot Actuator is present, the webhook's readiness is the health indicator {@code postcall}
 * ({@link PostCallHealth}); where the application has a Micrometer {@code MeterRegistry} bean, the webhook's meters
 * ({@code postcall.deliveries}, {@code postcall.rejections}, ...) are registered in it; where it has an
 * {@code ObservationRegistry} bean (Actuator's), each delivery is an observation {@code postcall.delivery}: a timer,
 * and a CONSUMER span with Micrometer Tracing, named by a {@link PostCallObservationConvention} bean (an application's
 * own wins over {@link DefaultPostCallObservationConvention}); with Actuator, the endpoint {@code postcall}
 * ({@link PostCallEndpoint}) backfills a window from ElevenLabs' API on demand. None of them is needed.
 *
 * <p>{@code postcall.inbox.store=jdbc} keeps deliveries in the application's {@code DataSource} bean (see
 * {@link InboxDataSource}); this configuration runs after Spring Boot's {@code DataSourceAutoConfiguration} (its
 * Spring Boot 4 and 3.5 names), so that bean is defined by then.
 *
 * <pre>{@code
 * // application.properties: postcall.secret=${ELEVENLABS_WEBHOOK_SECRET}
 * @Component
 * class Calls {
 *     @EventListener
 *     void on(TranscriptionEvent call) {
 *         crm.save(call.report());
 *     }
 * }
 * }</pre>
 */
@AutoConfiguration(afterName = {"org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration"})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(PostCallWebhookFilter.class)
@ConditionalOnProperty(prefix = "postcall", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(PostCallProperties.class)
@Import(PostCallHealth.Registrar.class)
public final class PostCallAutoConfiguration {

    private static final ConfigurationPropertyName PREFIX = ConfigurationPropertyName.of("postcall");
    private static final List<String> WEB_XML_REFERENCES = List.of("${env:", "${sys:", "${jndi:", "${mp:");

    /** Created by Spring Boot. */
    public PostCallAutoConfiguration() {
    }

    /**
     * Holds bodies for {@code @Async} listeners whose executor runs its decorator. Not a {@code TaskDecorator} bean
     * itself: Spring Boot 3.5 applies a {@code TaskDecorator} bean only when it is the only one.
     */
    @Bean
    @ConditionalOnMissingBean
    BodyLeases postCallBodyLeases() {
        return new BodyLeases();
    }

    /**
     * Spring Boot 4 composes every {@code TaskDecorator} bean into the executors it builds, the application's own
     * included; there the decorator is a bean.
     */
    @Bean
    @Conditional(TaskDecorators.Composed.class)
    @ConditionalOnMissingBean(name = "postCallTaskDecorator")
    TaskDecorator postCallTaskDecorator(BodyLeases leases) {
        return leases.decorator();
    }

    /**
     * Spring Boot 3.5 applies a {@code TaskDecorator} bean only when it is the only one, so a bean of ours would
     * switch off the application's own. There the decorator is added by the builders' customizers, after the
     * decorator the builder set (the application's bean when it has exactly one, which is when Boot applies it, or
     * the one the application gave the builder itself).
     */
    @Bean
    @Conditional(TaskDecorators.Single.class)
    ThreadPoolTaskExecutorCustomizer postCallThreadPoolTaskExecutorCustomizer(BodyLeases leases,
            ObjectProvider<TaskDecorator> decorators) {
        return executor -> executor.setTaskDecorator(TaskDecorators.afterTheApplications(executor, decorators,
                leases));
    }

    /** As {@link #postCallThreadPoolTaskExecutorCustomizer}, for virtual threads ({@code spring.threads.virtual}). */
    @Bean
    @Conditional(TaskDecorators.Single.class)
    SimpleAsyncTaskExecutorCustomizer postCallSimpleAsyncTaskExecutorCustomizer(BodyLeases leases,
            ObjectProvider<TaskDecorator> decorators) {
        return executor -> executor.setTaskDecorator(TaskDecorators.afterTheApplications(executor, decorators,
                leases));
    }

    /**
     * The filter and the servlet on {@code postcall.path}, initialised while the web server starts. A
     * {@link DeliveryStore} bean of the application's is the store the servlet claims, keeps and replays through
     * (instead of {@code postcall.inbox.*}).
     */
    @Bean
    @ConditionalOnMissingBean
    PostCallRegistration postCallRegistration(PostCallProperties properties, Environment environment,
            ApplicationEventPublisher publisher, ConfigurableListableBeanFactory beanFactory,
            BodyLeases leases, ObjectProvider<PostCallMeterRegistry> meterRegistry,
            ObjectProvider<PostCallObservations> observations, ObjectProvider<DataSource> dataSources,
            ObjectProvider<DeliveryStore> stores) {
        SpringEventDispatcher dispatcher = new SpringEventDispatcher(publisher, new AsyncListeners(beanFactory),
                leases);
        return new PostCallRegistration(properties, webXmlReferences(environment), dispatcher, () -> {
            PostCallMeterRegistry registry = meterRegistry.getIfAvailable();
            return registry == null ? null : registry.get();
        }, () -> {
            PostCallObservations tracer = observations.getIfAvailable();
            return tracer == null ? null : tracer.get();
        }, new InboxDataSource(dataSources, beanFactory), stores::getIfUnique, beanFactory);
    }

    /** Only where Micrometer Observation is: these beans name its types. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.observation.ObservationRegistry")
    static class Observations {
        /** Created by Spring. */
        Observations() {
        }

        /** The observations' names and key values; an application's own bean of the type wins. */
        @Bean
        @ConditionalOnMissingBean
        PostCallObservationConvention postCallObservationConvention() {
            return new DefaultPostCallObservationConvention();
        }

        /** An observation per delivery in the application's {@code ObservationRegistry} bean, when it has one. */
        @Bean
        @ConditionalOnMissingBean
        PostCallObservations postCallObservations(ObjectProvider<ObservationRegistry> registries,
                PostCallObservationConvention convention) {
            return new PostCallObservations(() -> {
                ObservationRegistry registry = registries.getIfUnique();
                return registry == null ? null : new ObservedDeliveries(registry, convention);
            });
        }
    }

    /** Only where Actuator is: the endpoint {@code postcall}, on-demand backfill and what backfill knows. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
    static class Endpoints {
        /** Created by Spring. */
        Endpoints() {
        }

        /** The endpoint over the webhook the registration started. */
        @Bean
        @ConditionalOnMissingBean
        PostCallEndpoint postCallEndpoint(ObjectProvider<PostCallRegistration> registration) {
            return new PostCallEndpoint(() -> {
                PostCallRegistration started = registration.getIfAvailable();
                return started == null ? null : started.monitor();
            });
        }
    }

    /** Only where Micrometer is: this class names its types. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
    static class Meters {
        /** Created by Spring. */
        Meters() {
        }

        /** The application's {@code MeterRegistry} bean, when it has one (Actuator's, for one). */
        @Bean
        @ConditionalOnMissingBean
        PostCallMeterRegistry postCallMeterRegistry(
                ObjectProvider<io.micrometer.core.instrument.MeterRegistry> registries) {
            return new PostCallMeterRegistry(registries::getIfUnique);
        }
    }

    /**
     * A {@code ${env:NAME}} copied from a {@code web.xml} means something else to Spring: the property {@code env}, or
     * else the text {@code NAME}. In {@code postcall.secret} that would make the secret a word anyone can read here.
     * So each raw {@code postcall.*} value is looked at before Spring resolves it, and such a reference is a
     * problem. Only the property's name and where it is set are reported, never its value.
     */
    static List<String> webXmlReferences(Environment environment) {
        List<String> problems = new ArrayList<>();
        if (!(environment instanceof ConfigurableEnvironment configurable)) {
            return problems;
        }
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(configurable)) {
            if (!(source instanceof IterableConfigurationPropertySource iterable)) {
                continue;
            }
            iterable.stream().filter(PREFIX::isAncestorOf).forEach(name -> {
                ConfigurationProperty property = iterable.getConfigurationProperty(name);
                Object value = property == null ? null : property.getValue();
                if (value == null) {
                    return;
                }
                String text = value.toString().toLowerCase(Locale.ROOT);
                for (String reference : WEB_XML_REFERENCES) {
                    if (text.contains(reference)) {
                        Origin origin = property.getOrigin();
                        String problem = name + (origin == null ? "" : " (" + origin + ")") + ": " + reference
                                + "...} is web.xml syntax, which Spring reads as the property '"
                                + reference.substring(2, reference.length() - 1) + "' or else the text after the"
                                + " colon; write ${NAME} for an environment variable or system property";
                        if (!problems.contains(problem)) {
                            problems.add(problem);
                        }
                        break;
                    }
                }
            });
        }
        return problems;
    }
}
