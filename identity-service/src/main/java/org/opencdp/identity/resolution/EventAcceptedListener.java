package org.opencdp.identity.resolution;

import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.opencdp.contracts.EventAccepted;
import org.opencdp.contracts.Topics;
import org.opencdp.identity.IdentityProperties;
import org.opencdp.identity.rules.IdentityRulesService;
import org.opencdp.kit.consume.BatchConsumer;
import org.opencdp.kit.consume.BatchConsumers;
import org.opencdp.kit.kafka.IncomingMessages;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Consumes accepted events with the kit's {@link BatchConsumer}: {@code cdp.identity.events-per-transaction}
 * events per transaction, each decoded with its workspace's identity rules, resolved together by
 * {@link IdentityResolutionService#apply}.
 */
@Component
class EventAcceptedListener {

    private final BatchConsumer<ResolutionInput> consumer;
    private final IdentityRulesService rules;
    private final IdentityProperties properties;

    EventAcceptedListener(BatchConsumers consumers, IdentityResolutionService resolution, IdentityRulesService rules,
                          IdentityProperties properties) {
        this.rules = rules;
        this.properties = properties;
        this.consumer = consumers.consumer(IdentityResolutionService.CONSUMER, this::input,
                input -> input.message().id(), resolution::apply, properties.eventsPerTransaction());
    }

    @KafkaListener(topics = Topics.EVENTS)
    void on(List<ConsumerRecord<String, String>> records) {
        consumer.consume(records);
    }

    private ResolutionInput input(ConsumerRecord<String, String> record) {
        EventAccepted message = IncomingMessages.decode(record, EventAccepted.class);
        return ResolutionInput.of(message, rules.rulesFor(message.workspaceId()), properties);
    }
}
