package org.opencdp.ingestion.trackingplan;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.opencdp.ingestion.IngestionProperties;
import org.opencdp.ingestion.database.DatabaseCircuit;
import org.opencdp.ingestion.sources.AuthenticatedSource;
import org.opencdp.kit.problem.CdpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The compiled tracking plan of each source, for the Tracking API, cached so that checking an
 * event costs no database query. An entry (a plan, or the fact that the source has none) lives for
 * {@code cdp.ingestion.tracking-plan-cache-ttl}; storing or deleting a plan evicts it at once in
 * this instance, other instances see the change when their entry expires. A plan is recompiled
 * only when it changed ({@code updated_at}). Entries are keyed by source id and carry the
 * workspace they were loaded for; there is at most one per source that sent events.
 */
@Component
public class TrackingPlans {

    private static final Logger log = LoggerFactory.getLogger(TrackingPlans.class);
    private static final int MAX_ENTRIES = 100_000;

    private final TrackingPlanRepository repository;
    private final TrackingPlanCompiler compiler;
    private final DatabaseCircuit database;
    private final long ttlNanos;
    private final Map<String, Entry> bySource = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();

    TrackingPlans(TrackingPlanRepository repository, TrackingPlanCompiler compiler, DatabaseCircuit database,
                  IngestionProperties properties) {
        this.repository = repository;
        this.database = database;
        this.compiler = compiler;
        this.ttlNanos = properties.trackingPlanCacheTtl().toNanos();
    }

    /** The source's plan, if it has one. */
    public Optional<CompiledTrackingPlan> of(AuthenticatedSource source) {
        Entry entry = bySource.get(source.sourceId());
        long now = System.nanoTime();
        if (entry != null && entry.workspaceId().equals(source.workspaceId()) && now - entry.loadedAt() <= ttlNanos) {
            return entry.plan();
        }
        return load(source, entry, now);
    }

    /** Forgets the source's cached plan (after it was stored or deleted). */
    void evict(UUID sourceId) {
        generation.incrementAndGet();
        bySource.remove(sourceId.toString());
    }

    /**
     * Reads the source's plan through the {@link DatabaseCircuit}. While the database is unreachable
     * the plan last read (or the fact that there was none) keeps applying (issue 15); a source whose
     * plan this instance never read gets 503 {@code database_unavailable}: its events cannot be
     * checked, and a blocking plan must not be skipped.
     */
    private Optional<CompiledTrackingPlan> load(AuthenticatedSource source, Entry previous, long now) {
        long generationAtLookup = generation.get();
        Optional<TrackingPlanRepository.StoredPlan> stored;
        try {
            stored = database.call(() -> repository.find(source.workspaceId(), UUID.fromString(source.sourceId())));
        } catch (DatabaseCircuit.DatabaseUnavailableException e) {
            if (previous == null || !previous.workspaceId().equals(source.workspaceId())) {
                throw e;
            }
            database.countFallback("tracking_plan");
            return previous.plan();
        }
        Instant updatedAt = stored.map(TrackingPlanRepository.StoredPlan::updatedAt).orElse(null);
        Optional<CompiledTrackingPlan> plan;
        if (previous != null && previous.workspaceId().equals(source.workspaceId())
                && Objects.equals(previous.updatedAt(), updatedAt)) {
            plan = previous.plan();
        } else {
            plan = stored.flatMap(found -> compile(source, found.plan()));
        }
        if (ttlNanos > 0) {
            if (bySource.size() >= MAX_ENTRIES) {
                bySource.clear();
            }
            bySource.put(source.sourceId(), new Entry(source.workspaceId(), plan, updatedAt, now));
            if (generation.get() != generationAtLookup) {
                bySource.remove(source.sourceId());
            }
        }
        return plan;
    }

    /** A stored plan that no longer compiles (a library upgrade, say) is logged and not applied: events still flow. */
    private Optional<CompiledTrackingPlan> compile(AuthenticatedSource source, TrackingPlan plan) {
        try {
            return Optional.of(compiler.compile(plan));
        } catch (CdpException e) {
            log.error("The stored tracking plan of source {} does not compile and is not applied: {}",
                    source.sourceId(), e.getMessage());
            return Optional.empty();
        }
    }

    private record Entry(String workspaceId, Optional<CompiledTrackingPlan> plan, Instant updatedAt, long loadedAt) {
    }
}
