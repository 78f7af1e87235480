package org.opencdp.e2e.tracing;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.opencdp.contracts.ConsentChanged;
import org.opencdp.contracts.Topics;
import org.opencdp.kit.consume.BatchConsumer;
import org.opencdp.kit.consume.BatchConsumers;
import org.opencdp.kit.outbox.Outbox;
import org.opencdp.kit.security.Caller;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.http.HttpStatus;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * A service built on the kit whose work travels as far as tracing has to follow it: a request writes an
 * outbox message, and its consumer writes the next one, {@value #HOPS} times. Every span it records is
 * kept in memory ({@link InMemorySpanExporter}).
 */
@SpringBootApplication
public class TracedKitApplication {

    static final int HOPS = 3;

    /** The spans recorded so far; not a SpanExporter bean, which Boot's batch processor would export to as well. */
    record RecordedSpans(InMemorySpanExporter exporter) {
    }

    @Bean
    RecordedSpans recordedSpans() {
        return new RecordedSpans(InMemorySpanExporter.create());
    }

    /** Exports each span as it ends (Boot's batch processor would hold them for seconds). */
    @Bean
    SpanProcessor spansAsTheyEnd(RecordedSpans spans) {
        return SimpleSpanProcessor.create(spans.exporter());
    }

    @Component
    static class Chains {
        private final Outbox outbox;
        private final Set<String> arrived = ConcurrentHashMap.newKeySet();
        private final AtomicBoolean failedOnce = new AtomicBoolean();

        Chains(Outbox outbox) {
            this.outbox = outbox;
        }

        /** Hop 1, in the request's transaction. */
        @Transactional
        void start(String workspaceId, String chain) {
            outbox.append(hop(workspaceId, chain, 1));
        }

        /**
         * A consumed hop writes the next one, in the consumer's chunk transaction. The first hop of a chain
         * named {@code retry-once} loses a race at commit once, so its chunk is run again.
         */
        void consume(List<ConsentChanged> messages) {
            for (ConsentChanged message : messages) {
                if (message.profileId().equals("retry-once/1") && !failedOnce.getAndSet(true)) {
                    TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                        @Override
                        public void beforeCommit(boolean readOnly) {
                            throw new CannotAcquireLockException("lost a race at commit");
                        }
                    });
                }
                String[] chainAndHop = message.profileId().split("/");
                int hop = Integer.parseInt(chainAndHop[1]);
                if (hop < HOPS) {
                    outbox.append(hop(message.workspaceId(), chainAndHop[0], hop + 1));
                }
            }
        }

        /** The hops consumed so far: those whose chunk committed. */
        void arrived(List<ConsentChanged> messages) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    messages.forEach(message -> arrived.add(message.profileId()));
                }
            });
        }

        boolean arrived(String chain, int hop) {
            return arrived.contains(chain + "/" + hop);
        }

        private static ConsentChanged hop(String workspaceId, String chain, int hop) {
            return new ConsentChanged(UUID.randomUUID(), workspaceId, Instant.now(), chain + "/" + hop,
                    Map.of("marketing", true));
        }
    }

    @RestController
    static class ChainController {
        private final Chains chains;

        ChainController(Chains chains) {
            this.chains = chains;
        }

        @PostMapping("/v1/chains/{chain}")
        @ResponseStatus(HttpStatus.ACCEPTED)
        void start(Caller caller, @PathVariable String chain) {
            chains.start(caller.workspaceId(), chain);
        }
    }

    @Component
    static class HopListener {
        private final BatchConsumer<ConsentChanged> consumer;

        HopListener(BatchConsumers consumers, Chains chains) {
            this.consumer = consumers.consumer("traced-hops", ConsentChanged.class, messages -> {
                chains.consume(messages);
                chains.arrived(messages);
            });
        }

        @KafkaListener(topics = Topics.CONSENT_CHANGES)
        void on(List<ConsumerRecord<String, String>> records) {
            consumer.consume(records);
        }
    }
}
