package org.opencdp.ingestion.sources;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.opencdp.ingestion.IngestionProperties;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Recent write-key lookups, so the Tracking API does not query the database on every call. An
 * entry lives for {@code cdp.ingestion.write-key-cache-ttl}; disabling a source or rotating its key
 * evicts it at once in this instance (other instances see the change when the entry expires).
 * Only keys of existing sources are cached, so the cache is bounded by the number of sources;
 * unknown keys are never cached. An expired entry is kept until it is loaded again: while the
 * database is unreachable, the Tracking API goes on with the last owner it read ({@link #lastKnown}).
 */
@Component
class WriteKeyCache {

    private static final int MAX_ENTRIES = 100_000;

    private final Map<String, Entry> byHash = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    private final long ttlNanos;

    @Autowired
    WriteKeyCache(IngestionProperties properties) {
        this(properties.writeKeyCacheTtl());
    }

    WriteKeyCache(Duration ttl) {
        this.ttlNanos = ttl.toNanos();
    }

    Optional<KeyOwner> get(String hash) {
        Entry entry = byHash.get(hash);
        if (entry == null) {
            return Optional.empty();
        }
        if (System.nanoTime() - entry.loadedAt() > ttlNanos) {
            return Optional.empty();
        }
        return Optional.of(entry.owner());
    }

    /** The owner last loaded for the key, however old (not evicted since): for when it cannot be loaded again. */
    Optional<KeyOwner> lastKnown(String hash) {
        return Optional.ofNullable(byHash.get(hash)).map(Entry::owner);
    }

    /** The current generation; pass it to {@link #put} so a lookup racing an eviction is not cached. */
    long generation() {
        return generation.get();
    }

    void put(String hash, KeyOwner owner, long generationAtLookup) {
        if (ttlNanos <= 0) {
            return;
        }
        if (byHash.size() >= MAX_ENTRIES) {
            byHash.clear();
        }
        byHash.put(hash, new Entry(owner, System.nanoTime()));
        if (generation.get() != generationAtLookup) {
            byHash.remove(hash);
        }
    }

    /** Forgets a key the database no longer knows (deleted, or revoked on another instance). */
    void forget(String hash) {
        byHash.remove(hash);
    }

    /** Forgets every key of the source (after it was disabled, enabled or given a new key). */
    void evict(UUID sourceId) {
        generation.incrementAndGet();
        byHash.values().removeIf(entry -> entry.owner().sourceId().equals(sourceId));
    }

    private record Entry(KeyOwner owner, long loadedAt) {
    }
}
