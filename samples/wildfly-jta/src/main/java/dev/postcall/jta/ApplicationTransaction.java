package dev.postcall.jta;

import java.io.IOException;

import javax.naming.InitialContext;
import javax.naming.NamingException;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.transaction.UserTransaction;

/**
 * The application's own JTA transaction around the webhook, as a {@code @Transactional} boundary would put it: begun
 * before postcall's filter, rolled back after the answer, whatever happened inside.
 */
public final class ApplicationTransaction implements Filter {

    /** Created by the container. */
    public ApplicationTransaction() {
    }

    /** Runs the rest of the chain inside a transaction it then rolls back. */
    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        UserTransaction transaction;
        try {
            transaction = (UserTransaction) new InitialContext().lookup("java:comp/UserTransaction");
            transaction.begin();
        } catch (NamingException | jakarta.transaction.NotSupportedException | jakarta.transaction.SystemException e) {
            throw new ServletException("no JTA transaction: " + e, e);
        }
        try {
            chain.doFilter(request, response);
        } finally {
            try {
                transaction.rollback();
            } catch (jakarta.transaction.SystemException | IllegalStateException e) {
                throw new ServletException("rollback failed: " + e, e);
            }
        }
    }
}
