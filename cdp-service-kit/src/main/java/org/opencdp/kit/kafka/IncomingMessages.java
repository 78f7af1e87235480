package org.opencdp.kit.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.opencdp.contracts.CdpMessage;
import org.opencdp.contracts.MessageCodec;

/** Decodes consumed records into contract messages; anything unreadable is a permanent error. */
public final class IncomingMessages {

    public static <T extends CdpMessage> T decode(ConsumerRecord<String, String> record, Class<T> type) {
        if (record.value() == null) {
            throw new PermanentMessageException("Empty record at " + record.topic() + "-" + record.partition()
                    + "@" + record.offset());
        }
        return MessageCodec.read(record.value(), type);
    }

    private IncomingMessages() {
    }
}
