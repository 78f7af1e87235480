package org.opencdp.ingestion.trackingplan;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.opencdp.ingestion.sources.SourceDirectory;
import org.opencdp.kit.problem.CdpException;
import org.opencdp.kit.problem.ErrorKind;
import org.springframework.stereotype.Service;

/** Stores, shows and deletes the tracking plans of a workspace's sources, and shows their violations. */
@Service
class TrackingPlanService {

    /** The most event rows one violations answer lists. */
    static final int MAX_VIOLATION_ROWS = 500;

    private final SourceDirectory sources;
    private final TrackingPlanRepository plans;
    private final TrackingPlanCompiler compiler;
    private final TrackingPlans cache;
    private final ViolationRepository violations;

    TrackingPlanService(SourceDirectory sources, TrackingPlanRepository plans, TrackingPlanCompiler compiler,
                        TrackingPlans cache, ViolationRepository violations) {
        this.sources = sources;
        this.plans = plans;
        this.compiler = compiler;
        this.cache = cache;
        this.violations = violations;
    }

    /** Checks the plan's schemas (400 {@code invalid_tracking_plan}), stores it, and applies it at once. */
    TrackingPlanRepository.StoredPlan put(String workspaceId, String sourceId, TrackingPlan plan) {
        UUID source = sources.require(workspaceId, sourceId);
        compiler.compile(plan);
        TrackingPlanRepository.StoredPlan stored = plans.save(workspaceId, source, plan,
                Instant.now().truncatedTo(ChronoUnit.MICROS));
        cache.evict(source);
        return stored;
    }

    TrackingPlanRepository.StoredPlan get(String workspaceId, String sourceId) {
        UUID source = sources.require(workspaceId, sourceId);
        return plans.find(workspaceId, source).orElseThrow(() -> notFound(sourceId));
    }

    void delete(String workspaceId, String sourceId) {
        UUID source = sources.require(workspaceId, sourceId);
        if (!plans.delete(workspaceId, source)) {
            throw notFound(sourceId);
        }
        cache.evict(source);
    }

    List<ViolationRepository.Row> violations(String workspaceId, String sourceId) {
        return violations.find(workspaceId, sources.require(workspaceId, sourceId), MAX_VIOLATION_ROWS);
    }

    private static CdpException notFound(String sourceId) {
        return new CdpException(ErrorKind.NOT_FOUND, "tracking_plan_not_found",
                "Tracking plan not found", "Source '" + sourceId + "' has no tracking plan.");
    }
}
