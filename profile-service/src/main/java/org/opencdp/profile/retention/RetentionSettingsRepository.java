package org.opencdp.profile.retention;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The {@code retention_settings} table: workspaces' own retentions. */
@Repository
class RetentionSettingsRepository {

    private final JdbcTemplate jdbc;

    RetentionSettingsRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    Optional<Integer> find(String workspaceId) {
        return jdbc.queryForList("SELECT retention_days FROM retention_settings WHERE workspace_id = ?",
                Integer.class, workspaceId).stream().findFirst();
    }

    void put(String workspaceId, int days, Instant at) {
        jdbc.update("""
                INSERT INTO retention_settings (workspace_id, retention_days, updated_at) VALUES (?, ?, ?)
                ON CONFLICT (workspace_id) DO UPDATE SET retention_days = EXCLUDED.retention_days,
                    updated_at = EXCLUDED.updated_at""", workspaceId, days, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
    }

    void delete(String workspaceId) {
        jdbc.update("DELETE FROM retention_settings WHERE workspace_id = ?", workspaceId);
    }

    /** Every workspace's own retention in days. */
    Map<String, Integer> all() {
        Map<String, Integer> all = new HashMap<>();
        jdbc.query("SELECT workspace_id, retention_days FROM retention_settings",
                rs -> {
                    all.put(rs.getString(1), rs.getInt(2));
                });
        return all;
    }
}
