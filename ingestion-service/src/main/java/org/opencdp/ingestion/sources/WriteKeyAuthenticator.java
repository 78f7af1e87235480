package org.opencdp.ingestion.sources;

import java.time.Instant;
import java.util.Optional;
import org.opencdp.ingestion.database.DatabaseCircuit;
import org.opencdp.kit.problem.CdpException;
import org.springframework.stereotype.Component;

/**
 * Finds the enabled source of a write key for the Tracking API. An unknown key and the key of a
 * disabled source get the same answer, so a caller cannot learn which keys exist. A key replaced by
 * a rotation works until its grace period ends (checked on every call, cached or not).
 */
@Component
public class WriteKeyAuthenticator {

    /** SDKs send the write key as the HTTP Basic username. */
    private static final String CHALLENGE = "Basic realm=\"OpenCDP Tracking API\"";

    private final SourceRepository sources;
    private final WriteKeyCache cache;
    private final DatabaseCircuit database;

    WriteKeyAuthenticator(SourceRepository sources, WriteKeyCache cache, DatabaseCircuit database) {
        this.sources = sources;
        this.cache = cache;
        this.database = database;
    }

    /**
     * The source of {@code writeKey}; a 401 problem {@code missing_write_key} when there is none,
     * {@code invalid_write_key} when it is unknown or its source is disabled.
     */
    public AuthenticatedSource authenticate(String writeKey) {
        if (writeKey == null || writeKey.isBlank()) {
            throw CdpException.unauthorized("missing_write_key", "Send the source's write key as the HTTP Basic "
                    + "username (empty password), as the 'writeKey' query parameter, or as 'writeKey' in the JSON body.")
                    .challenge(CHALLENGE);
        }
        KeyOwner owner = validOwner(writeKey).orElseThrow(WriteKeyAuthenticator::invalidWriteKey);
        return new AuthenticatedSource(owner.workspaceId(), owner.sourceId().toString(), owner.rateLimit());
    }

    /**
     * The enabled source of a (non-blank) key that is valid now, through the cache: empty for an
     * unknown key, a disabled source's and a key whose grace period ended alike.
     */
    Optional<KeyOwner> validOwner(String writeKey) {
        String hash = WriteKeys.hash(writeKey);
        KeyOwner owner = cache.get(hash).orElseGet(() -> load(hash));
        return owner == null || !owner.enabled() || !owner.validAt(Instant.now()) ? Optional.empty()
                : Optional.of(owner);
    }

    /** The one answer for an unknown, malformed or disabled write key: which it was is not revealed. */
    public static CdpException invalidWriteKey() {
        return CdpException.unauthorized("invalid_write_key",
                "The write key is not valid, or its source does not accept events.").challenge(CHALLENGE);
    }

    /**
     * Reads the key's owner through the {@link DatabaseCircuit}. While the database is unreachable a
     * key this instance read before keeps its last known owner (issue 15: events of known sources are
     * still accepted); any other key is a 503 {@code database_unavailable}, as only the database knows it.
     */
    private KeyOwner load(String hash) {
        long generation = cache.generation();
        KeyOwner owner;
        try {
            owner = database.call(() -> sources.findByWriteKeyHash(hash)).orElse(null);
        } catch (DatabaseCircuit.DatabaseUnavailableException e) {
            KeyOwner lastKnown = cache.lastKnown(hash).orElseThrow(() -> e);
            database.countFallback("write_key");
            return lastKnown;
        }
        if (owner != null) {
            cache.put(hash, owner, generation);
        } else {
            cache.forget(hash); // so no later outage brings a revoked key back
        }
        return owner;
    }
}
