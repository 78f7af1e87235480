package org.opencdp.bench.consumer;

import java.util.List;
import java.util.SplittableRandom;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.opencdp.consent.ConsentServiceApplication;
import org.opencdp.contracts.Topics;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * consent-service applying resolved events of {@code people} people: 40% carry the visitor's
 * consent ({@code context.consent.categoryPreferences}: marketing, analytics), the rest none (the
 * service learns their identifiers only). 10% of events are of new people.
 */
final class ConsentWorkload implements ConsumerWorkload {

    private final long people;
    private final SplittableRandom random = new SplittableRandom(19);

    ConsentWorkload(long people) {
        this.people = people;
    }

    @Override
    public String name() {
        return "consent";
    }

    @Override
    public SpringApplicationBuilder application() {
        return ConsentServiceApplication.application();
    }

    @Override
    public String group() {
        return "cdp-consent";
    }

    @Override
    public List<String> topics() {
        return List.of(Topics.RESOLVED_EVENTS);
    }

    @Override
    public ProducerRecord<String, String> next() {
        long person = random.nextInt(10) == 0 ? 0 : 1 + random.nextLong(people);
        BenchData.Resolved event = BenchData.resolvedEvent(person, random, random.nextInt(10) < 4);
        return new ProducerRecord<>(Topics.RESOLVED_EVENTS, Topics.key(BenchData.WORKSPACE, event.profileId()), event.json());
    }

    @Override
    public String describe() {
        return String.format("nothing preloaded; events of %,d people, 40%% with consent, 10%% of new people", people);
    }
}
