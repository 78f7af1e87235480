package org.opencdp.kit.smoke;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.opencdp.contracts.ConsentChanged;
import org.opencdp.contracts.Topics;
import org.opencdp.kit.consume.BatchConsumer;
import org.opencdp.kit.consume.BatchConsumers;
import org.opencdp.kit.kafka.PermanentMessageException;
import org.opencdp.kit.outbox.Outbox;
import org.opencdp.kit.problem.CdpException;
import org.opencdp.kit.security.Caller;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The smallest service built on the kit: a REST write with an outbox message, and a batch consumer. */
@SpringBootApplication
public class KitSmokeApplication {

    record CreateNoteRequest(@NotBlank String id, @NotBlank String text) {
    }

    record NoteResponse(String id, String text) {
    }

    @RestController
    static class NoteController {
        private final NoteService notes;

        NoteController(NoteService notes) {
            this.notes = notes;
        }

        @PostMapping("/v1/notes")
        @ResponseStatus(HttpStatus.CREATED)
        NoteResponse create(Caller caller, @Valid @RequestBody CreateNoteRequest request) {
            caller.require("notes:write");
            notes.create(caller.workspaceId(), request.id(), request.text());
            return new NoteResponse(request.id(), request.text());
        }

        @GetMapping("/v1/notes/{id}")
        NoteResponse get(Caller caller, @PathVariable String id) {
            return notes.find(caller.workspaceId(), id);
        }
    }

    @Component
    static class NoteService {
        private final JdbcTemplate jdbc;
        private final Outbox outbox;
        private volatile boolean bugFixed;

        NoteService(JdbcTemplate jdbc, Outbox outbox) {
            this.jdbc = jdbc;
            this.outbox = outbox;
        }

        @Transactional
        void create(String workspaceId, String id, String text) {
            jdbc.update("INSERT INTO note (workspace_id, id, text) VALUES (?, ?, ?)", workspaceId, id, text);
            outbox.append(new ConsentChanged(UUID.randomUUID(), workspaceId, Instant.now(), id,
                    Map.of("marketing", true)));
        }

        void fixBug() {
            bugFixed = true;
        }

        NoteResponse find(String workspaceId, String id) {
            return jdbc.query("SELECT id, text FROM note WHERE workspace_id = ? AND id = ?",
                            (rs, i) -> new NoteResponse(rs.getString(1), rs.getString(2)), workspaceId, id)
                    .stream().findFirst().orElseThrow(() -> CdpException.notFound("note", id));
        }

        /**
         * A chunk handler: one statement for the chunk; a profile named {@code poison} fails for good, a
         * profile id over 64 characters breaks a check constraint, and a profile named {@code bug-…}
         * hits a NullPointerException until {@link #fixBug()} (a fixed version is deployed).
         */
        void consume(List<ConsentChanged> messages) {
            if (messages.stream().anyMatch(message -> "poison".equals(message.profileId()))) {
                throw new PermanentMessageException("profile poison cannot be consumed");
            }
            if (!bugFixed && messages.stream().anyMatch(message -> message.profileId().startsWith("bug-"))) {
                Map<String, String> notLoaded = Map.of();
                notLoaded.get("plan").length();
            }
            jdbc.update("INSERT INTO consumed (message_id, profile_id) SELECT * FROM unnest(?::uuid[], ?::text[])",
                    messages.stream().map(ConsentChanged::id).toArray(UUID[]::new),
                    messages.stream().map(ConsentChanged::profileId).toArray(String[]::new));
        }
    }

    @Component
    static class ConsentListener {
        private final BatchConsumer<ConsentChanged> consumer;

        ConsentListener(BatchConsumers consumers, NoteService notes) {
            this.consumer = consumers.consumer("kit-smoke", ConsentChanged.class, notes::consume);
        }

        @KafkaListener(topics = Topics.CONSENT_CHANGES)
        void on(List<ConsumerRecord<String, String>> records) {
            consumer.consume(records);
        }
    }
}
