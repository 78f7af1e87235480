package org.opencdp.profile.merge;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.opencdp.contracts.ProfilesMerged;
import org.opencdp.contracts.Topics;
import org.opencdp.kit.kafka.IncomingMessages;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** Consumes identity-service's merges; unreadable records go to {@code cdp.profile.dead-letters.v1}. */
@Component
class MergeListener {

    private final MergeService service;

    MergeListener(MergeService service) {
        this.service = service;
    }

    @KafkaListener(topics = Topics.MERGES)
    void on(ConsumerRecord<String, String> record) {
        service.handle(IncomingMessages.decode(record, ProfilesMerged.class));
    }
}
