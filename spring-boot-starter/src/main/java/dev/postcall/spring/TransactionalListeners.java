package dev.postcall.spring;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import javax.sql.DataSource;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.ResourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.postcall.PostCallEvent;
import dev.postcall.jdbc.JdbcDeliveryStore;
import dev.postcall.spi.PostCallEventHandler;

/**
 * {@code postcall.inbox.transactional-listeners=true}: the synchronous listeners of a database delivery run in one
 * Spring transaction on the inbox's DataSource, which also marks the delivery handled
 * ({@link JdbcDeliveryStore.Transaction#markHandled}). A listener's {@code @Transactional} work on that DataSource
 * ({@code JdbcTemplate}, {@code JdbcClient}, anything on the application's transaction manager over it) joins that
 * transaction, so the work and the record that the delivery was handled commit together or not at all, as Spring
 * Modulith completes an event publication inside the listener's transaction. A listener that throws rolls all of it
 * back and the delivery is kept as failed, as always; a node that dies before the commit leaves neither, and the
 * delivery is handled again later, once in effect.
 *
 * <p>The transaction is a new one ({@code REQUIRES_NEW}), whatever the request thread is in, as the store's own
 * writes are: the delivery's outcome never waits for, or rolls back with, the application's transaction around the
 * request. It runs on the application's {@code PlatformTransactionManager} when it has one, else on one of the
 * starter's over the inbox's DataSource. {@code @Async} listeners run outside it, on their executor: they are
 * handed over while it is open, so one may start before it commits, and their work is not part of it.
 *
 * <p>Only loaded where spring-jdbc is: it names its types.
 */
final class TransactionalListeners implements PostCallEventHandler {

    private final PostCallEventHandler listeners;
    private final TransactionTemplate transactions;
    private final DataSource dataSource;

    private TransactionalListeners(PostCallEventHandler listeners, PlatformTransactionManager manager,
            DataSource dataSource) {
        this.listeners = listeners;
        this.transactions = new TransactionTemplate(manager);
        this.transactions.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.transactions.setName("postcall delivery");
        this.dataSource = dataSource;
    }

    /**
     * {@code listeners} in the delivery's transaction on {@code dataSource} (the inbox's, unwrapped), or
     * {@code null} with a line added to {@code problems} when the application's transaction manager works on another
     * DataSource.
     */
    static PostCallEventHandler wrap(PostCallEventHandler listeners, DataSource dataSource, ListableBeanFactory beans,
            List<String> problems) {
        Objects.requireNonNull(listeners, "listeners");
        PlatformTransactionManager manager = beans.getBeanProvider(PlatformTransactionManager.class).getIfUnique();
        if (manager == null) {
            manager = new DataSourceTransactionManager(dataSource);
        } else if (manager instanceof ResourceTransactionManager resources
                && resources.getResourceFactory() instanceof DataSource other && target(other) != dataSource) {
            problems.add("postcall.inbox.transactional-listeners: the application's transaction manager ("
                    + manager.getClass().getName() + ") works on another DataSource than the inbox's, so the"
                    + " listeners' work could not join the delivery's transaction; give the inbox that DataSource"
                    + " (mark it @Primary), or remove postcall.inbox.transactional-listeners");
            return null;
        }
        return new TransactionalListeners(listeners, manager, dataSource);
    }

    private static DataSource target(DataSource dataSource) {
        DataSource target = dataSource;
        while (target instanceof TransactionAwareDataSourceProxy proxy && proxy.getTargetDataSource() != null) {
            target = proxy.getTargetDataSource();
        }
        return target;
    }

    /**
     * Publishes {@code event} inside the delivery's transaction and marks the delivery handled in it.
     *
     * @throws Exception what the first failing listener threw, or why the done mark could not be written (the
     *                   delivery was taken over by another node meanwhile: the listeners' work is rolled back)
     */
    @Override
    public void handle(PostCallEvent event) throws Exception {
        Optional<JdbcDeliveryStore.Transaction> delivery = JdbcDeliveryStore.Transaction.current();
        if (delivery.isEmpty()) {
            listeners.handle(event); // not a delivery of the database store: nothing to join
            return;
        }
        try {
            transactions.executeWithoutResult(status -> {
                try {
                    listeners.handle(event);
                } catch (RuntimeException | Error e) {
                    throw e;
                } catch (Exception e) {
                    throw new Checked(e);
                }
                markHandled(delivery.get());
            });
        } catch (Checked e) {
            throw e.exception;
        }
    }

    /** The done mark, on the connection Spring's transaction holds for the inbox's DataSource. */
    private void markHandled(JdbcDeliveryStore.Transaction delivery) {
        Connection connection = DataSourceUtils.getConnection(dataSource);
        try {
            if (!DataSourceUtils.isConnectionTransactional(connection, dataSource)) {
                throw new IllegalStateException("postcall.inbox.transactional-listeners: the transaction manager"
                        + " holds no connection of the inbox's DataSource, so the done mark cannot join the"
                        + " listeners' work; use a transaction manager over that DataSource");
            }
            delivery.markHandled(connection);
        } catch (SQLException e) {
            throw new Checked(e);
        } finally {
            DataSourceUtils.releaseConnection(connection, dataSource);
        }
    }

    /** A checked exception carried through Spring's callback, which rolls back on it as on any runtime one. */
    private static final class Checked extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final Exception exception;

        Checked(Exception exception) {
            super(exception);
            this.exception = exception;
        }
    }
}
