package org.opencdp.ingestion.ratelimit;

import java.util.Map;
import java.util.UUID;
import org.opencdp.ingestion.database.DatabaseCircuit;
import org.opencdp.ingestion.sources.RateLimitOverride;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The per-source token buckets in PostgreSQL ({@code rate_limit_buckets}), shared by every
 * instance. A bucket holds up to {@code burst} tokens and refills {@code eventsPerSecond} a second;
 * {@link #lease} refills it for the time since its last use and takes tokens in one statement (an
 * upsert, so a source's first lease creates its row), which PostgreSQL's row lock makes atomic
 * across instances. The limit is passed with each lease, so a changed limit applies at the next one.
 */
@Repository
class RateLimitStore {

    /**
     * {@code available}: the refilled tokens (at most the burst); the lease takes {@code want} when
     * there are that many, else everything when that is at least {@code need}, else nothing.
     */
    private static final String LEASE = """
            INSERT INTO rate_limit_buckets AS b (workspace_id, source_id, tokens, granted, refilled_at)
            VALUES (:workspace, :source, :burst - :want, :want, now())
            ON CONFLICT (workspace_id, source_id) DO UPDATE SET (tokens, granted, refilled_at) = (
                SELECT available - taken, taken, now() FROM (
                    SELECT available, CASE WHEN available >= :want THEN :want
                                           WHEN available >= :need THEN floor(available)::integer
                                           ELSE 0 END AS taken
                    FROM (SELECT LEAST(:burst::float8, b.tokens
                            + GREATEST(0, EXTRACT(EPOCH FROM now() - b.refilled_at)::float8) * :rate) AS available) a
                ) t)
            RETURNING granted, tokens""";

    private final NamedParameterJdbcTemplate jdbc;
    private final DatabaseCircuit database;

    RateLimitStore(NamedParameterJdbcTemplate jdbc, DatabaseCircuit database) {
        this.jdbc = jdbc;
        this.database = database;
    }

    /** What one lease took ({@code granted}, 0 when refused) and the tokens the bucket has left. */
    record Lease(int granted, double remaining) {
    }

    /**
     * Takes {@code want} tokens from the source's bucket, or all it has if that is at least {@code
     * need}, or none ({@code 1 <= need <= want <= burst}). Through the {@link DatabaseCircuit}: throws
     * its {@link DatabaseCircuit.DatabaseUnavailableException} while the database is unreachable.
     */
    Lease lease(String workspaceId, UUID sourceId, RateLimitOverride limit, int need, int want) {
        return database.call(() -> jdbc.queryForObject(LEASE, Map.of("workspace", workspaceId, "source", sourceId,
                        "burst", limit.burst(), "rate", (double) limit.eventsPerSecond(), "need", need, "want", want),
                (rs, row) -> new Lease(rs.getInt("granted"), rs.getDouble("tokens"))));
    }
}
