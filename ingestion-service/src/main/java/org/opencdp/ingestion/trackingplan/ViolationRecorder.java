package org.opencdp.ingestion.trackingplan;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.opencdp.contracts.EventRejected.Reason;
import org.opencdp.ingestion.database.DatabaseCircuit;
import org.opencdp.ingestion.sources.AuthenticatedSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Counts tracking-plan violations: the Micrometer counter {@code cdp.ingestion.tracking_plan.violations}
 * (tags {@code source}, {@code type}, {@code event}, {@code outcome} = allowed | blocked) and one row
 * per source and event in {@code tracking_plan_violations} with the latest samples, which {@code GET
 * /v1/sources/{id}/violations} shows. The {@code event} tag is the planned event's name, or {@code
 * (unplanned)} for every unplanned one, so that senders cannot grow the metric without bound.
 *
 * <p>Called after the call's events were acknowledged by Kafka: counting is bookkeeping, so a
 * database failure here is logged and does not fail the call. The rows are written through the
 * {@link DatabaseCircuit}, so an unreachable database does not hold the call up either (issue 15):
 * while it is away the violations are counted by the metric only.
 */
@Component
public class ViolationRecorder {

    static final String METRIC = "cdp.ingestion.tracking_plan.violations";
    private static final Logger log = LoggerFactory.getLogger(ViolationRecorder.class);

    private final ViolationRepository repository;
    private final DatabaseCircuit database;
    private final MeterRegistry meters;
    private final JsonMapper json;

    ViolationRecorder(ViolationRepository repository, DatabaseCircuit database, MeterRegistry meters, JsonMapper json) {
        this.repository = repository;
        this.database = database;
        this.meters = meters;
        this.json = json;
    }

    /** Records the violations of one Tracking API call. */
    public void record(AuthenticatedSource source, List<Violation> violations, Instant at) {
        if (violations.isEmpty()) {
            return;
        }
        Map<String, List<Violation>> byEvent = new TreeMap<>();
        for (Violation violation : violations) {
            byEvent.computeIfAbsent(violation.type().name() + "\u0000" + key(violation.eventName()),
                    k -> new ArrayList<>()).add(violation);
        }
        List<ViolationRepository.Tally> tallies = new ArrayList<>(byEvent.size());
        for (List<Violation> group : byEvent.values()) {
            Violation first = group.getFirst();
            long blocked = group.stream().filter(Violation::blocked).count();
            count(source, first, blocked, "blocked");
            count(source, first, group.size() - blocked, "allowed");
            tallies.add(new ViolationRepository.Tally(first.type().name(), key(first.eventName()), group.size(),
                    blocked, samples(group, at)));
        }
        try {
            database.call(() -> {
                repository.add(source.workspaceId(), UUID.fromString(source.sourceId()), tallies, at);
                return null;
            });
        } catch (DatabaseCircuit.DatabaseUnavailableException e) {
            log.debug("{} tracking-plan violation(s) of source {} not stored: the database is unreachable",
                    violations.size(), source.sourceId());
        } catch (DataAccessException e) {
            log.warn("Could not store {} tracking-plan violation(s) of source {}: {}", violations.size(),
                    source.sourceId(), e.getMostSpecificCause().toString());
        }
    }

    private void count(AuthenticatedSource source, Violation violation, long count, String outcome) {
        if (count > 0) {
            Counter.builder(METRIC).description("Events that broke or were missing from their source's tracking plan")
                    .tag("source", source.sourceId())
                    .tag("type", violation.type().name())
                    .tag("event", violation.planned() ? violation.eventName() : "(unplanned)")
                    .tag("outcome", outcome)
                    .register(meters).increment(count);
        }
    }

    /** The newest samples first: the message id, whether it was blocked, and the reasons (never the values). */
    private ArrayNode samples(List<Violation> group, Instant at) {
        ArrayNode samples = json.createArrayNode();
        group.reversed().stream().limit(ViolationRepository.MAX_SAMPLES).forEach(violation -> {
            ObjectNode sample = samples.addObject();
            sample.put("messageId", violation.messageId());
            sample.put("at", at.toString());
            sample.put("blocked", violation.blocked());
            ArrayNode reasons = sample.putArray("reasons");
            for (Reason reason : violation.reasons()) {
                reasons.addObject().put("code", reason.code()).put("message", reason.message())
                        .put("path", reason.path());
            }
        });
        return samples;
    }

    /** The event name as stored: at most 255 characters (an unplanned name may be longer). */
    private static String key(String eventName) {
        return eventName.length() > TrackingPlanCompiler.MAX_EVENT_NAME_LENGTH
                ? eventName.substring(0, TrackingPlanCompiler.MAX_EVENT_NAME_LENGTH) : eventName;
    }

}
