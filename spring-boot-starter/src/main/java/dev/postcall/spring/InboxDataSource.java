package dev.postcall.spring;

import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import javax.sql.DataSource;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.util.ClassUtils;

/**
 * The application's {@link DataSource} for {@code postcall.inbox.store=jdbc}: the only {@code DataSource} bean, or
 * the {@code @Primary} one (Spring Boot's from {@code spring.datasource.*}, for most applications).
 *
 * <p>The store takes a connection for each short transaction and commits it itself, before the listeners run, so
 * that the delivery is kept whatever the application's own transaction does. A
 * {@link TransactionAwareDataSourceProxy} would hand it the connection of the Spring transaction the request thread
 * is in, if any, and the delivery would be committed, or rolled back, with the application's work: such a bean is
 * unwrapped, and the store uses its target. The DataSource must not be an XA one enlisted in a JTA transaction
 * either; that one cannot be recognised here.
 */
final class InboxDataSource {

    private static final System.Logger LOG = System.getLogger("dev.postcall.spring");
    private static final String PROXY = "org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy";

    private final ObjectProvider<DataSource> dataSources;
    private final ListableBeanFactory beans;

    /**
     * @param dataSources the application's DataSource beans
     * @param beans       where their names are looked up, for the message when none or several are found
     */
    InboxDataSource(ObjectProvider<DataSource> dataSources, ListableBeanFactory beans) {
        this.dataSources = Objects.requireNonNull(dataSources, "dataSources");
        this.beans = Objects.requireNonNull(beans, "beans");
    }

    /**
     * The DataSource the inbox uses, or {@code null} with a line added to {@code problems} when the application has
     * none or several without a {@code @Primary}. Creates the bean if it is not yet.
     */
    DataSource find(List<String> problems) {
        DataSource found = dataSources.getIfUnique();
        if (found == null) {
            String[] names = beans.getBeanNamesForType(DataSource.class);
            if (names.length == 0) {
                problems.add("postcall.inbox.store: 'jdbc' keeps deliveries in the application's DataSource, and the"
                        + " application has none; add spring-boot-starter-jdbc and the database's JDBC driver and set"
                        + " spring.datasource.url (or declare a javax.sql.DataSource bean), or choose"
                        + " postcall.inbox.store=file with postcall.inbox-dir");
            } else {
                problems.add("postcall.inbox.store: 'jdbc' keeps deliveries in the application's DataSource, and the"
                        + " application has " + names.length + " DataSource beans " + Arrays.toString(names)
                        + " of which none is @Primary; mark the one postcall should use @Primary");
            }
            return null;
        }
        if (ClassUtils.isPresent(PROXY, InboxDataSource.class.getClassLoader())) {
            return SpringJdbc.outsideTransactions(found);
        }
        return found;
    }

    /** Only loaded where spring-jdbc is: it names its types. */
    private static final class SpringJdbc {
        private SpringJdbc() {
        }

        static DataSource outsideTransactions(DataSource dataSource) {
            DataSource target = dataSource;
            while (target instanceof TransactionAwareDataSourceProxy proxy && proxy.getTargetDataSource() != null) {
                target = proxy.getTargetDataSource();
            }
            if (target != dataSource) {
                LOG.log(Level.INFO, "postcall inbox: the DataSource bean is a TransactionAwareDataSourceProxy; the"
                        + " inbox uses its target {0}, so that a delivery is committed before the listeners run and"
                        + " never with a Spring transaction", target.getClass().getName());
            }
            return target;
        }
    }
}
