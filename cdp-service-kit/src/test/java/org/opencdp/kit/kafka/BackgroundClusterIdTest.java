package org.opencdp.kit.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

class BackgroundClusterIdTest {

    @Test
    void shouldAnswerAtOnceWhileKafkaCannotBeReached() {
        // nothing listens on port 1: a lookup on the calling thread would wait for the operation timeout
        BackgroundClusterId admin = new BackgroundClusterId(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                "127.0.0.1:1", AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 1_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2_000));

        assertThatCode(() -> {
            for (int i = 0; i < 1_000; i++) {
                assertThat(admin.clusterId()).isNull();
            }
        }).as("a thousand sends' worth of lookups, none of them waiting for Kafka")
                .doesNotThrowAnyException();
        assertThat(Duration.ofSeconds(admin.getOperationTimeout())).isEqualTo(Duration.ofSeconds(10));
    }
}
