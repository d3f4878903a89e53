package dev.postcall.jta;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code GET /rows?ds=<jndi name>}: the delivery rows by state in that datasource, one {@code state count} a line,
 * read outside any transaction; what the IT checks after the application's transaction was rolled back.
 */
public final class RowsServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    /** Created by the container. */
    public RowsServlet() {
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String name = request.getParameter("ds");
        response.setContentType("text/plain");
        if (name == null) {
            response.getWriter().println("ready");
            return;
        }
        StringBuilder out = new StringBuilder();
        try {
            DataSource dataSource = (DataSource) new InitialContext().lookup(name);
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT state, COUNT(*) FROM postcall_delivery GROUP BY state")) {
                while (rs.next()) {
                    out.append(rs.getString(1)).append(' ').append(rs.getLong(2)).append('\n');
                }
            }
        } catch (NamingException | SQLException e) {
            response.setStatus(500);
            out.append(e.getClass().getName());
        }
        response.getWriter().print(out);
    }
}
