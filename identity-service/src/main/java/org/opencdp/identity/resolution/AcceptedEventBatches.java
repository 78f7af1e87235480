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
 * dead-letters it (permanent errors) or retries from it (anything else). A failed transaction is
 * retried one event at a time to find the record at fault.
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
                    resolveOneByOne(chunk, start);
                }
            }
            if (unreadable != null) {
                throw new BatchListenerFailedException(String.valueOf(unreadable.getMessage()), unreadable, end);
            }
            start = end;
        }
    }

    /**
     * After a transaction of several events failed (and rolled back): the same events one
     * transaction each, in order, so that the failure is pinned on the event that causes it, with
     * the events before it committed, rather than on the first event of the transaction. When none
     * fails alone, the failure was passing and every event is now resolved.
     */
    private void resolveOneByOne(List<ResolutionInput> chunk, int start) {
        for (int i = 0; i < chunk.size(); i++) {
            ResolutionInput input = chunk.get(i);
            try {
                resolution.resolve(List.of(input));
            } catch (RuntimeException e) {
                throw new BatchListenerFailedException("Resolving event " + input.message().id() + " failed", e,
                        start + i);
            }
        }
    }

    private ResolutionInput input(ConsumerRecord<String, String> record) {
        EventAccepted message = IncomingMessages.decode(record, EventAccepted.class);
        return ResolutionInput.of(message, rules.rulesFor(message.workspaceId()), properties);
    }
}
