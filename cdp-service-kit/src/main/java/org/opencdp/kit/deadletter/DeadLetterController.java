package org.opencdp.kit.deadletter;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import org.opencdp.kit.problem.ValidationErrors;
import org.opencdp.kit.security.Caller;
import org.opencdp.kit.security.Scopes;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Every service's dead-letter replay: {@code POST /v1/admin/dead-letters/replay} with {@code ids}
 * (message ids) or a time range {@code from} / {@code to} (when the records were dead-lettered;
 * {@code to} exclusive, open ends allowed) re-publishes the caller's workspace's dead letters to
 * their topics ({@link DeadLetterReplayer}). Needs {@link Scopes#DEAD_LETTERS_WRITE}.
 */
@RestController
class DeadLetterController {

    static final int MAX_IDS = 1000;

    private final DeadLetterReplayer replayer;

    DeadLetterController(DeadLetterReplayer replayer) {
        this.replayer = replayer;
    }

    record ReplayDeadLettersRequest(Instant from, Instant to, List<UUID> ids) {
    }

    record ReplayedDeadLetter(UUID id, String topic, Instant deadLetteredAt) {
    }

    record ReplayDeadLettersResponse(int replayed, List<ReplayedDeadLetter> deadLetters) {
    }

    @PostMapping("/v1/admin/dead-letters/replay")
    ReplayDeadLettersResponse replay(Caller caller, @RequestBody ReplayDeadLettersRequest request) {
        caller.require(Scopes.DEAD_LETTERS_WRITE);
        var errors = new ValidationErrors();
        boolean byIds = request.ids() != null;
        boolean byTime = request.from() != null || request.to() != null;
        if (byIds && byTime) {
            errors.add("/ids", "give ids or a time range (from, to), not both");
        } else if (!byIds && !byTime) {
            errors.add("", "give ids or a time range (from, to)");
        }
        if (byIds && request.ids().isEmpty()) {
            errors.add("/ids", "must not be empty");
        }
        if (byIds && request.ids().size() > MAX_IDS) {
            errors.add("/ids", "at most " + MAX_IDS + " ids");
        }
        if (byIds && request.ids().contains(null)) {
            errors.add("/ids", "must not contain null");
        }
        if (request.from() != null && request.to() != null && request.to().isBefore(request.from())) {
            errors.add("/to", "must not be before from");
        }
        errors.throwIfAny();
        var selection = byIds ? DeadLetterReplayer.Selection.ids(new HashSet<>(request.ids()))
                : DeadLetterReplayer.Selection.between(request.from(), request.to());
        List<ReplayedDeadLetter> replayed = replayer.replay(caller.workspaceId(), selection).stream()
                .map(r -> new ReplayedDeadLetter(r.id(), r.topic(), r.deadLetteredAt())).toList();
        return new ReplayDeadLettersResponse(replayed.size(), replayed);
    }
}
