package org.opencdp.kit.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.KafkaProducerException;

/** Issue 15: which Kafka failures park an outbox row and which leave it to be sent again. */
class RefusedForGoodTest {

    @Test
    void shouldParkRecordsKafkaCanNeverTake() {
        assertThat(OutboxRelay.refusedForGood(new KafkaProducerException(null, "send failed",
                new RecordTooLargeException("The message is 2000000 bytes")))).isTrue();
        assertThat(OutboxRelay.refusedForGood(new InvalidTopicException("not a valid topic!"))).isTrue();
        assertThat(OutboxRelay.refusedForGood(new InvalidRecordException("compacted topic without key"))).isTrue();
    }

    @Test
    void shouldSendAgainWhatTheBrokerMayTakeLater() {
        assertThat(OutboxRelay.refusedForGood(new TimeoutException("expired before it was sent"))).isFalse();
        assertThat(OutboxRelay.refusedForGood(new NotLeaderOrFollowerException("leader moved"))).isFalse();
        assertThat(OutboxRelay.refusedForGood(new TopicAuthorizationException("not allowed yet"))).isFalse();
        assertThat(OutboxRelay.refusedForGood(new IllegalStateException("producer closed"))).isFalse();
    }
}
