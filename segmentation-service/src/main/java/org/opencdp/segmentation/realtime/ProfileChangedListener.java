package org.opencdp.segmentation.realtime;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.opencdp.contracts.ProfileChanged;
import org.opencdp.contracts.Topics;
import org.opencdp.kit.kafka.IncomingMessages;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** Consumes {@link Topics#PROFILE_CHANGES}; the work is in {@link ProfileChangeService}. */
@Component
class ProfileChangedListener {

    private final ProfileChangeService service;

    ProfileChangedListener(ProfileChangeService service) {
        this.service = service;
    }

    @KafkaListener(topics = Topics.PROFILE_CHANGES)
    void on(ConsumerRecord<String, String> record) {
        service.handle(IncomingMessages.decode(record, ProfileChanged.class));
    }
}
