package org.opencdp.ingestion.suppression;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The {@code suppressions} table: hashed identifiers per workspace whose events are refused. */
@Repository
class SuppressionRepository {

    private final JdbcTemplate jdbc;

    SuppressionRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Stores the suppression; returns false when it was already there. */
    boolean add(SuppressedIdentifier identifier, UUID requestId) {
        return jdbc.update("""
                        INSERT INTO suppressions (workspace_id, identifier_type, identifier_hash, request_id)
                        VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING""",
                identifier.workspaceId(), identifier.type(), identifier.hash(), requestId) == 1;
    }

    /** When the identifier was suppressed, if it is. */
    Optional<Instant> since(SuppressedIdentifier identifier) {
        return jdbc.query("SELECT created_at FROM suppressions WHERE workspace_id = ? AND identifier_type = ? "
                        + "AND identifier_hash = ?",
                (rs, row) -> rs.getObject(1, OffsetDateTime.class).toInstant(),
                identifier.workspaceId(), identifier.type(), identifier.hash()).stream().findFirst();
    }

    /** The database's clock, so that polling does not depend on this machine's. */
    Instant now() {
        return jdbc.queryForObject("SELECT clock_timestamp()", OffsetDateTime.class).toInstant();
    }

    /** Streams every suppression stored at or after {@code since} (all of them when null) to {@code sink}. */
    void forEachSince(Instant since, Consumer<Stored> sink) {
        if (since == null) {
            jdbc.query("SELECT workspace_id, identifier_hash FROM suppressions",
                    rs -> { sink.accept(new Stored(rs.getString(1), rs.getString(2))); });
        } else {
            jdbc.query("SELECT workspace_id, identifier_hash FROM suppressions WHERE created_at >= ?",
                    rs -> { sink.accept(new Stored(rs.getString(1), rs.getString(2))); },
                    since.atOffset(ZoneOffset.UTC));
        }
    }

    /** The part of a stored suppression the index needs. */
    record Stored(String workspaceId, String hash) {
    }
}
