package dev.postcall.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.BooleanSupplier;

/**
 * The delivery's connection as a handler sees it ({@link JdbcDeliveryStore.Transaction#connection()}): every call
 * goes to the connection, except those that would end or split the transaction postcall commits with its done mark.
 * {@code commit()}, {@code rollback()} and {@code setAutoCommit} are refused (a handler fails by throwing, which rolls
 * its work back); {@code close()} does nothing, so try-with-resources code works unchanged; once the handlers are
 * over every call is refused.
 */
final class HandlerConnection implements InvocationHandler {

    private final Connection connection;
    private final BooleanSupplier over;

    private HandlerConnection(Connection connection, BooleanSupplier over) {
        this.connection = connection;
        this.over = over;
    }

    /** {@code connection} guarded; {@code over} says when the handlers are over. */
    static Connection of(Connection connection, BooleanSupplier over) {
        return (Connection) Proxy.newProxyInstance(HandlerConnection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, new HandlerConnection(connection, over));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        String name = method.getName();
        int arguments = args == null ? 0 : args.length;
        switch (name) {
            case "equals":
                return proxy == args[0];
            case "hashCode":
                return System.identityHashCode(proxy);
            case "toString":
                return "the connection of a delivery's transaction";
            case "close":
                return null; // postcall closes it after the commit or rollback
            case "isClosed":
                return over.getAsBoolean() || connection.isClosed();
            default:
                break;
        }
        if (over.getAsBoolean()) {
            throw new SQLException("postcall delivery store: the delivery's handlers are over; its transaction was"
                    + " committed or rolled back");
        }
        if (name.equals("commit") || name.equals("setAutoCommit") || (name.equals("rollback") && arguments == 0)) {
            throw new SQLException("postcall delivery store: " + name + " is postcall's in the delivery's transaction:"
                    + " it commits the handlers' work with the record that the delivery was handled once they"
                    + " return, and rolls it back when one throws");
        }
        try {
            return method.invoke(connection, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
