package dev.postcall.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import javax.sql.DataSource;

import jakarta.servlet.Filter;
import jakarta.servlet.ServletException;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * An application whose DataSource bean is a {@link TransactionAwareDataSourceProxy} and whose own filter runs every
 * request in a Spring transaction that it rolls back: postcall's insert is not part of that transaction (the
 * starter uses the proxy's target), so the delivery the listener failed on is a {@code failed} row afterwards while
 * the application's own work of the same request is rolled back. Through the proxy, the store's commit would have
 * committed the application's transaction.
 */
@Tag("jdbc")
@SpringBootTest(classes = TransactionAwareDataSourceTest.App.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"postcall.secret=" + Webhook.SECRET, "postcall.inbox.store=jdbc",
                "postcall.inbox.create-schema=true"})
class TransactionAwareDataSourceTest {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(Recorder.class)
    static class App {
        @Bean
        DataSource dataSource() {
            return new TransactionAwareDataSourceProxy(
                    new DriverManagerDataSource("jdbc:h2:mem:postcall_proxied;DB_CLOSE_DELAY=-1", "sa", ""));
        }

        /** Before postcall's filter: the application's work and postcall's in one transaction, rolled back. */
        @Bean
        FilterRegistrationBean<Filter> rollingBack(PlatformTransactionManager transactions, DataSource dataSource) {
            TransactionTemplate template = new TransactionTemplate(transactions);
            JdbcTemplate jdbc = new JdbcTemplate(dataSource);
            Filter filter = (request, response, chain) -> {
                try {
                    template.executeWithoutResult(status -> {
                        jdbc.update("INSERT INTO app_work (what) VALUES ('request')");
                        try {
                            chain.doFilter(request, response);
                        } catch (IOException | ServletException e) {
                            throw new IllegalStateException(e);
                        }
                        status.setRollbackOnly();
                    });
                } catch (IllegalStateException e) {
                    throw new ServletException(e);
                }
            };
            FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(filter);
            registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
            return registration;
        }
    }

    @Value("${local.server.port}")
    int port;

    @Autowired
    Recorder recorder;

    @Autowired
    DataSource dataSource;

    @Test
    void theFailedDeliveryIsKeptWhileTheApplicationsTransactionIsRolledBack() throws Exception {
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        jdbc.execute("CREATE TABLE IF NOT EXISTS app_work (what VARCHAR(32))");
        recorder.reset();
        recorder.failWith = new IllegalStateException("the CRM is down");
        byte[] body = Fixtures.withIds("transcription-minimal.json", "agent_t", "conv_proxied");

        assertThat(Webhook.postSigned(port, body).statusCode()).isEqualTo(200);

        assertThat(recorder.of("any")).hasSize(1);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM app_work", Integer.class))
                .as("the application's own work of the request, rolled back").isZero();
        assertThat(jdbc.queryForObject("SELECT state FROM postcall_delivery WHERE conversation_id = 'conv_proxied'",
                String.class)).isEqualTo("failed");
    }
}
