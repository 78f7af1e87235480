package org.opencdp.kit.kafka;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The cluster id an observed {@link KafkaTemplate} tags its send spans with, never looked up on the
 * sending thread. Spring Kafka asks {@link KafkaAdmin#clusterId()} on the first send, under a lock
 * every send shares, waiting up to the admin's operation timeout (30 s), and asks again on every
 * send while the answer is missing: with Kafka away, every Tracking API call would then hang for 30 s
 * instead of answering 503 {@code kafka_unavailable} when its acknowledgement timeout ends. This
 * admin answers with what it knows (nothing at first, so the first spans lack the tag) and looks
 * the id up on a virtual thread, one lookup at a time, until it has it.
 */
final class BackgroundClusterId extends KafkaAdmin {

    private static final int LOOKUP_TIMEOUT_SECONDS = 10;

    private final AtomicBoolean lookingUp = new AtomicBoolean();
    private volatile String known;

    BackgroundClusterId(Map<String, Object> config) {
        super(config);
        setOperationTimeout(LOOKUP_TIMEOUT_SECONDS);
    }

    /** Gives every observed template this admin, built on the application's own admin settings. */
    static BeanPostProcessor forTemplates(ObjectProvider<KafkaAdmin> admins) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (bean instanceof KafkaTemplate<?, ?> template && template.getKafkaAdmin() == null) {
                    KafkaAdmin admin = admins.getIfUnique();
                    if (admin != null) {
                        template.setKafkaAdmin(new BackgroundClusterId(admin.getConfigurationProperties()));
                    }
                }
                return bean;
            }
        };
    }

    @Override
    public String clusterId() {
        String id = known;
        if (id == null && lookingUp.compareAndSet(false, true)) {
            Thread.ofVirtual().name("kafka-cluster-id").start(this::lookUp);
        }
        return id;
    }

    private void lookUp() {
        try {
            String found = super.clusterId();
            if (found != null && !"null".equals(found)) {
                known = found;
            }
        } catch (RuntimeException e) {
            // Kafka away: the next send starts another lookup
        } finally {
            lookingUp.set(false);
        }
    }
}
