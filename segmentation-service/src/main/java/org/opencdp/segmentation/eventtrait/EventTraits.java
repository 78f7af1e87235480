package org.opencdp.segmentation.eventtrait;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opencdp.kit.problem.CdpException;
import org.opencdp.segmentation.condition.Condition;
import org.opencdp.segmentation.condition.ConditionEvaluator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * The life of the hidden computed traits behind {@code event} nodes: created in profile-service when a
 * segment using one is stored, checked before its build starts, deleted when the last segment using it
 * goes. Segmentation keeps no list of them: the segments' conditions are that list.
 */
@Service
public class EventTraits {

    /** Problem code of a segment change that needs profile-service while it cannot be reached. */
    public static final String UNAVAILABLE = "profile_unavailable";
    /** Problem code of a preview whose event nodes' hidden traits are not (yet) computed. */
    public static final String NOT_READY = "event_traits_not_ready";

    private static final Logger log = LoggerFactory.getLogger(EventTraits.class);

    private final ProfileTraitsClient client;
    private final ConditionEvaluator evaluator = new ConditionEvaluator();

    EventTraits(ProfileTraitsClient client) {
        this.client = client;
    }

    /**
     * Makes sure every {@code event} node of {@code condition} has its hidden trait, and answers their
     * states (none for a condition without event nodes); 503 {@value #UNAVAILABLE} when profile-service
     * does not answer, naming the node (its pointer under {@code pointer}).
     */
    public List<HiddenTraitState> ensure(String workspaceId, Condition condition, String pointer) {
        List<HiddenTraitState> states = new ArrayList<>();
        for (ConditionEvaluator.EventNode node : evaluator.events(condition)) {
            try {
                states.add(client.ensure(workspaceId, node.event()));
            } catch (ProfileUnavailableException e) {
                throw CdpException.unavailable(UNAVAILABLE, "An event node (" + pointer + node.pointer()
                        + ") is counted by profile-service, which could not be reached to set it up: "
                        + e.getMessage() + ". Nothing was stored; try again.", Duration.ofSeconds(5))
                        .with("pointer", pointer + node.pointer());
            }
        }
        return states;
    }

    /** The states of {@code condition}'s hidden traits, creating any that went missing; throws when profile-service is away. */
    public List<HiddenTraitState> check(String workspaceId, Condition condition) throws ProfileUnavailableException {
        List<HiddenTraitState> states = new ArrayList<>();
        for (ConditionEvaluator.EventNode node : evaluator.events(condition)) {
            states.add(client.ensure(workspaceId, node.event()));
        }
        return states;
    }

    /**
     * For a preview, which stores nothing (so creates no trait): every {@code event} node's hidden trait
     * must exist and be ready in profile-service, or the answer is 409 {@value #NOT_READY} listing each
     * node's trait with its state ({@code missing}: no segment uses the node yet; {@code backfilling}
     * with its progress), or 503 {@value #UNAVAILABLE}.
     */
    public void requireReady(String workspaceId, Condition condition, String pointer) {
        List<Map<String, Object>> pending = new ArrayList<>();
        for (ConditionEvaluator.EventNode node : evaluator.events(condition)) {
            HiddenTraitState state;
            try {
                state = client.find(workspaceId, node.event().hiddenTrait());
            } catch (ProfileUnavailableException e) {
                throw CdpException.unavailable(UNAVAILABLE, "An event node (" + pointer + node.pointer()
                        + ") is counted by profile-service, which could not be reached: " + e.getMessage() + ".",
                        Duration.ofSeconds(5)).with("pointer", pointer + node.pointer());
            }
            if (!state.ready()) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("pointer", pointer + node.pointer());
                item.put("key", state.key());
                item.put("status", state.status());
                item.put("processed", state.processed());
                item.put("total", state.total());
                pending.add(item);
            }
        }
        if (!pending.isEmpty()) {
            throw CdpException.conflict(NOT_READY, "Event nodes are counted by hidden computed traits of "
                    + "profile-service; " + pending.size() + " of them is not ready (missing: no segment uses the "
                    + "node yet, so create one; backfilling: try again when done).").with("eventTraits", pending);
        }
    }

    /** The hidden trait keys {@code condition} reads. */
    public List<String> keys(Condition condition) {
        return evaluator.events(condition).stream().map(node -> node.event().hiddenTrait()).distinct().toList();
    }

    /**
     * Deletes hidden traits no segment uses any more (call after the change that dropped them
     * committed). Best effort: a failure is logged, and the trait stays in profile-service, where it
     * costs storage and work but changes no segment (an unused one can be deleted there by hand).
     */
    public void deleteUnused(String workspaceId, Collection<String> keys) {
        for (String key : keys) {
            try {
                client.delete(workspaceId, key);
            } catch (ProfileUnavailableException e) {
                log.warn("Hidden computed trait {} of workspace {} is no longer used but could not be deleted in "
                        + "profile-service: {}", key, workspaceId, e.getMessage());
            }
        }
    }

}
