package dev.postcall.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;

/** Reads the store's tables directly, on a connection of its own, to see what another node would see. */
final class Rows {
    private final DataSource dataSource;
    private final Tables tables;

    Rows(DataSource dataSource, Tables tables) {
        this.dataSource = dataSource;
        this.tables = tables;
    }

    /** Every delivery row, oldest first, as column (lower case) → value. */
    List<Map<String, Object>> deliveries() throws SQLException {
        return query("SELECT * FROM " + tables.delivery() + " ORDER BY received_at, id");
    }

    /** The delivery row of {@code id}, or null. */
    Map<String, Object> delivery(long id) throws SQLException {
        List<Map<String, Object>> rows = query("SELECT * FROM " + tables.delivery() + " WHERE id = " + id);
        return rows.isEmpty() ? null : rows.get(0);
    }

    int chunks(long id) throws SQLException {
        return ((Number) query("SELECT COUNT(*) AS n FROM " + tables.chunk() + " WHERE delivery_id = " + id).get(0)
                .get("n")).intValue();
    }

    int allChunks() throws SQLException {
        return ((Number) query("SELECT COUNT(*) AS n FROM " + tables.chunk()).get(0).get("n")).intValue();
    }

    private List<Map<String, Object>> query(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            try (PreparedStatement s = c.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
                ResultSetMetaData meta = rs.getMetaData();
                List<Map<String, Object>> rows = new ArrayList<>();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        row.put(meta.getColumnLabel(i).toLowerCase(Locale.ROOT), rs.getObject(i));
                    }
                    rows.add(row);
                }
                return rows;
            } finally {
                if (!autoCommit) {
                    c.commit();
                }
            }
        }
    }
}
