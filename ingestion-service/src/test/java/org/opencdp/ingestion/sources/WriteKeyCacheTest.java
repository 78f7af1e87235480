package org.opencdp.ingestion.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class WriteKeyCacheTest {

    private final KeyOwner owner = new KeyOwner("ws_a", UUID.randomUUID(), "Web", true, null, Instant.EPOCH, null);

    @Test
    void shouldReturnACachedOwnerUntilItIsEvicted() {
        var cache = new WriteKeyCache(Duration.ofMinutes(1));
        cache.put("h", owner, cache.generation());

        assertThat(cache.get("h")).contains(owner);

        cache.evict(owner.sourceId());
        assertThat(cache.get("h")).isEmpty();
    }

    @Test
    void shouldNotCacheALookupThatRacedAnEviction() {
        var cache = new WriteKeyCache(Duration.ofMinutes(1));
        long generation = cache.generation();
        cache.evict(owner.sourceId());

        cache.put("h", owner, generation);

        assertThat(cache.get("h")).isEmpty();
    }

    @Test
    void shouldNotCacheWithAZeroTtl() {
        var cache = new WriteKeyCache(Duration.ZERO);
        cache.put("h", owner, cache.generation());

        assertThat(cache.get("h")).isEmpty();
    }

    @Test
    void shouldKeepTheLastKnownOwnerOfAnExpiredKeyForWhenTheDatabaseIsUnreachableIssue15() {
        var cache = new WriteKeyCache(Duration.ofNanos(1));
        cache.put("h", owner, cache.generation());

        await().atMost(Duration.ofSeconds(5)).until(() -> cache.get("h").isEmpty());
        assertThat(cache.lastKnown("h")).contains(owner);

        cache.evict(owner.sourceId());
        assertThat(cache.lastKnown("h")).as("a disabled or rotated key is forgotten").isEmpty();
    }

    @Test
    void shouldForgetAKeyTheDatabaseNoLongerKnows() {
        var cache = new WriteKeyCache(Duration.ofMinutes(1));
        cache.put("h", owner, cache.generation());

        cache.forget("h");

        assertThat(cache.lastKnown("h")).isEmpty();
    }
}
