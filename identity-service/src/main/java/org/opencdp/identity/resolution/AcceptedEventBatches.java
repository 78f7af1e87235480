package org.opencdp.identity.resolution;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.opencdp.contracts.EventAccepted;
import org.opencdp.identity.IdentityProperties;
import org.opencdp.identity.rules.IdentityRulesService;
import org.opencdp.kit.kafka.IncomingMessages;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.stereotype.Component;

/**
 * Splits a polled batch of accepted events into transactions of {@code cdp.identity.events-per-transaction}.
 * When a record cannot be read or resolved, the records before it are already committed, and a
 * {@link BatchListenerFailedException} names it: the error handler commits the offsets before it,
 * dead-letters it (permanent errors) or retries from it (anything else).
 */
@Component
class AcceptedEventBatches {

    private final IdentityResolutionService resolution;
    private final IdentityRulesService rules;
    private final IdentityProperties properties;

    AcceptedEventBatches(IdentityResolutionService resolution, IdentityRulesService rules,
                         IdentityProperties properties) {
        this.resolution = resolution;
        this.rules = rules;
        this.properties = properties;
    }

    void resolve(List<ConsumerRecord<String, String>> records) {
        int start = 0;
        while (start < records.size()) {
            List<ResolutionInput> chunk = new ArrayList<>();
            RuntimeException unreadable = null;
            int end = start;
            while (end < records.size() && chunk.size() < properties.eventsPerTransaction()) {
                try {
                    chunk.add(input(records.get(end)));
                    end++;
                } catch (RuntimeException e) {
                    unreadable = e;
                    break;
                }
            }
            if (!chunk.isEmpty()) {
                try {
                    resolution.resolve(chunk);
                } catch (RuntimeException e) {
                    throw new BatchListenerFailedException("Resolving " + chunk.size() + " events failed", e, start);
                }
            }
            if (unreadable != null) {
                throw new BatchListenerFailedException(String.valueOf(unreadable.getMessage()), unreadable, end);
            }
            start = end;
        }
    }

    private ResolutionInput input(ConsumerRecord<String, String> record) {
        EventAccepted message = IncomingMessages.decode(record, EventAccepted.class);
        return ResolutionInput.of(message, rules.rulesFor(message.workspaceId()), properties);
    }
}
