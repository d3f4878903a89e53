package dev.postcall.internal.cdi;

import dev.postcall.cdi.Agent;
import dev.postcall.cdi.DeliveryFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postcall.spi.PostCallEventHandler;
import java.util.ServiceLoader;
import javax.naming.Context;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Runs with no CDI container started. */
class WithoutContainerTest {

    @Test
    void servletFindsTheDispatcherThroughServiceLoader() {
        assertThat(ServiceLoader.load(PostCallEventHandler.class).stream().map(ServiceLoader.Provider::type))
                .containsExactly(CdiEventHandler.class);
    }

    @Test
    void handleFailsNamingWhatToAddWhenThereIsNoContainer() {
        CdiEventHandler dispatcher = new CdiEventHandler();

        assertThatThrownBy(() -> dispatcher.handle(Fixtures.event(Fixtures.MINIMAL)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no CDI container")
                .hasMessageContaining("org.jboss.weld.servlet:weld-servlet-core")
                .hasMessageContaining("java:comp/BeanManager");
    }

    @Test
    void lookupTriesCdiThenJndiAndKeepsBothFailures() {
        assertThatThrownBy(BeanManagerLookup::find)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("weld-servlet-core")
                .satisfies(e -> assertThat(e.getCause()).isInstanceOf(IllegalStateException.class))
                .satisfies(e -> assertThat(e.getSuppressed()).singleElement()
                        .isInstanceOf(javax.naming.NamingException.class));
    }

    @ParameterizedTest
    @ValueSource(strings = {"java:comp/BeanManager", "java:comp/env/BeanManager"})
    void lookupFallsBackToTheBeanManagerBoundInJndi(String name) {
        BoundBeanManagerFactory.boundName = name;
        System.setProperty(Context.INITIAL_CONTEXT_FACTORY, BoundBeanManagerFactory.class.getName());
        try {
            assertThat(BeanManagerLookup.find()).isSameAs(BoundBeanManagerFactory.MANAGER);
        } finally {
            System.clearProperty(Context.INITIAL_CONTEXT_FACTORY);
        }
    }

    @Test
    void agentLiteralEqualsTheAnnotationWithTheSameValueOnly() throws Exception {
        Agent declared = Declares.class.getDeclaredMethod("observer", Object.class)
                .getParameters()[0].getAnnotation(Agent.class);

        assertThat(Agent.Literal.of("agent_7f3a")).isEqualTo(declared).hasSameHashCodeAs(declared);
        assertThat(Agent.Literal.of("agent_other")).isNotEqualTo(declared);
        assertThat(Agent.Literal.of("agent_7f3a").value()).isEqualTo("agent_7f3a");
    }

    static class Declares {
        void observer(@Agent("agent_7f3a") Object event) {
        }
    }
}
