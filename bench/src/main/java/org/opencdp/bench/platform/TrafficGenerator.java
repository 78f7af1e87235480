package org.opencdp.bench.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Realistic shop traffic, the same for the same seed: people with one to three devices, each
 * device anonymous until its person logs in (an identify with userId, email and traits, at the
 * latest before an order), page views and product events, orders with totals, and consent: a
 * device's first event carries the cookie banner's choice ({@code context.consent.categoryPreferences}),
 * identifies carry the person's current choice, and now and then a person changes it. Sessions
 * interleave, as many visitors browse at once.
 *
 * <p>Not thread-safe: one sender thread draws from it.
 */
final class TrafficGenerator {

    private final SplittableRandom random;
    private final TrafficMix mix;
    private final EventWriter writer;
    private final Catalog catalog;
    private final String runId;
    private final List<Person> people = new ArrayList<>();
    private final List<Session> sessions = new ArrayList<>();
    private long devices;

    TrafficGenerator(long seed, String runId, TrafficMix mix) {
        this(seed, runId, mix, new Catalog(seed));
    }

    TrafficGenerator(long seed, String runId, TrafficMix mix, Catalog catalog) {
        this.random = new SplittableRandom(seed);
        this.mix = mix;
        this.runId = runId;
        this.catalog = catalog;
        this.writer = new EventWriter(runId, catalog);
    }

    /** The next event of the traffic, sent at {@code timestamp} (ISO-8601). */
    GeneratedEvent next(String timestamp) {
        while (sessions.size() < mix.activeSessions()) {
            sessions.add(newSession());
        }
        int index = random.nextInt(sessions.size());
        Session session = sessions.get(index);
        GeneratedEvent event = eventOf(session.device, timestamp);
        if (--session.remaining <= 0) {
            sessions.set(index, sessions.getLast());
            sessions.removeLast();
        }
        return event;
    }

    /** How many people the traffic has met so far. */
    int people() {
        return people.size();
    }

    /** How many devices the traffic has met so far. */
    long devices() {
        return devices;
    }

    /** The people met so far (for tests). */
    List<Person> peopleSoFar() {
        return List.copyOf(people);
    }

    private Session newSession() {
        Person person;
        Device device;
        if (!people.isEmpty() && random.nextDouble() < mix.returningShare()) {
            person = people.get(random.nextInt(people.size()));
            boolean another = person.devices.size() < TrafficMix.MAX_DEVICES && random.nextDouble() < mix.newDeviceShare();
            device = another ? newDevice(person) : person.devices.get(random.nextInt(person.devices.size()));
        } else {
            person = newPerson();
            device = newDevice(person);
        }
        return new Session(device, 2 + random.nextInt(15));
    }

    private Person newPerson() {
        int n = people.size() + 1;
        String first = catalog.firstName(random);
        String last = catalog.lastName(random);
        String email = (first + "." + last).toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z.]", "")
                + "+" + runId + "-" + n + "@" + catalog.domain(random);
        double plan = random.nextDouble();
        String planName = plan < mix.proShare() ? "pro" : plan < mix.proShare() + 0.1 ? "business" : "free";
        Person person = new Person("user-" + runId + "-" + n, email, first, last, planName,
                catalog.country(random), random.nextDouble() < mix.marketingShare(), random.nextDouble() < 0.8);
        people.add(person);
        return person;
    }

    private Device newDevice(Person person) {
        devices++;
        Device device = new Device(person, "anon-" + runId + "-" + devices, catalog.userAgent(random),
                catalog.locale(random));
        person.devices.add(device);
        return device;
    }

    private GeneratedEvent eventOf(Device device, String timestamp) {
        Person person = device.person;
        if (!device.seen) {
            device.seen = true; // the cookie banner: the first page view carries the visitor's choice
            return event(GeneratedEvent.Kind.PAGE, device, writer.page(device, random, timestamp, true), false, true);
        }
        GeneratedEvent.Kind kind = drawKind();
        if (kind == GeneratedEvent.Kind.ORDER_COMPLETED && !device.identified) {
            kind = GeneratedEvent.Kind.IDENTIFY; // a login at checkout; the order comes in a later event
        }
        return switch (kind) {
            case PAGE -> event(kind, device, writer.page(device, random, timestamp, false), false, false);
            case PRODUCT_VIEWED, PRODUCT_ADDED ->
                    event(kind, device, writer.product(kind, device, random, timestamp), false, false);
            case ORDER_COMPLETED -> event(kind, device, writer.order(device, random, timestamp), false, false);
            case IDENTIFY -> identify(device, timestamp);
            case CONSENT_CHANGE -> {
                if (random.nextBoolean()) {
                    person.marketing = !person.marketing;
                } else {
                    person.analytics = !person.analytics;
                }
                yield event(kind, device, writer.consentChange(device, random, timestamp), false, true);
            }
        };
    }

    private GeneratedEvent identify(Device device, String timestamp) {
        Person person = device.person;
        if (person.identified && !"pro".equals(person.plan) && random.nextDouble() < mix.upgradeShare()) {
            person.plan = "pro";
        }
        device.identified = true;
        person.identified = true;
        boolean enters = "pro".equals(person.plan) && !"pro".equals(person.planSent);
        person.planSent = person.plan;
        return event(GeneratedEvent.Kind.IDENTIFY, device, writer.identify(device, random, timestamp), enters, true);
    }

    private GeneratedEvent event(GeneratedEvent.Kind kind, Device device, String json, boolean entersSegment,
                                 boolean carriesConsent) {
        return new GeneratedEvent(kind, json, device.identified ? device.person.userId : null, device.anonymousId,
                entersSegment, device.person.marketing, carriesConsent);
    }

    private GeneratedEvent.Kind drawKind() {
        int draw = random.nextInt(mix.totalWeight());
        if ((draw -= mix.page()) < 0) {
            return GeneratedEvent.Kind.PAGE;
        }
        if ((draw -= mix.productViewed()) < 0) {
            return GeneratedEvent.Kind.PRODUCT_VIEWED;
        }
        if ((draw -= mix.productAdded()) < 0) {
            return GeneratedEvent.Kind.PRODUCT_ADDED;
        }
        if ((draw -= mix.orderCompleted()) < 0) {
            return GeneratedEvent.Kind.ORDER_COMPLETED;
        }
        if ((draw -= mix.identify()) < 0) {
            return GeneratedEvent.Kind.IDENTIFY;
        }
        return GeneratedEvent.Kind.CONSENT_CHANGE;
    }

    /** A person of the traffic. */
    static final class Person {
        final String userId;
        final String email;
        final String firstName;
        final String lastName;
        final String country;
        final List<Device> devices = new ArrayList<>(TrafficMix.MAX_DEVICES);
        String plan;
        String planSent;
        boolean marketing;
        boolean analytics;
        boolean identified;

        Person(String userId, String email, String firstName, String lastName, String plan, String country,
               boolean marketing, boolean analytics) {
            this.userId = userId;
            this.email = email;
            this.firstName = firstName;
            this.lastName = lastName;
            this.plan = plan;
            this.country = country;
            this.marketing = marketing;
            this.analytics = analytics;
        }
    }

    /** One browser or app of a person. */
    static final class Device {
        final Person person;
        final String anonymousId;
        final String userAgent;
        final String locale;
        boolean seen;
        boolean identified;

        Device(Person person, String anonymousId, String userAgent, String locale) {
            this.person = person;
            this.anonymousId = anonymousId;
            this.userAgent = userAgent;
            this.locale = locale;
        }
    }

    private static final class Session {
        final Device device;
        int remaining;

        Session(Device device, int remaining) {
            this.device = device;
            this.remaining = remaining;
        }
    }
}
