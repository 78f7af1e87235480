package org.opencdp.bench.consumer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.UUID;
import org.opencdp.contracts.EventResolved;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.contracts.SegmentEvent;
import tools.jackson.databind.node.ObjectNode;

/**
 * The people the consumer benchmarks preload and send events for: person {@code i} (from 1) has
 * profile id {@code md5('bench-profile-' || i)::uuid} (SQL and Java agree, see {@link #profileId}),
 * userId {@code user-i} and email {@code user-i@example.com}.
 */
final class BenchData {

    static final String WORKSPACE = "bench";
    static final String SOURCE = "src-bench";
    static final String PLANS = "'free','pro','business'";

    /** The SQL expression of person {@code i}'s profile id. */
    static final String PROFILE_ID_SQL = "md5('bench-profile-' || i)::uuid::text";

    private BenchData() {
    }

    static String profileId(long i) {
        return md5Uuid("bench-profile-" + i);
    }

    /** {@code md5(text)::uuid::text} as PostgreSQL computes it. */
    static String md5Uuid(String text) {
        try {
            byte[] md5 = MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8));
            String hex = HexFormat.of().formatHex(md5);
            return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
                    + hex.substring(16, 20) + "-" + hex.substring(20);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A message and the profile it is about. */
    record Resolved(String profileId, String json) {
    }

    /** A resolved event of person {@code i} (or a new person when {@code i} is 0): a page view, a product view, an order or an identify. */
    static Resolved resolvedEvent(long i, SplittableRandom random, boolean withConsent) {
        String profileId = i == 0 ? UUID.randomUUID().toString() : profileId(i);
        String userId = i == 0 ? null : "user-" + i;
        String anonymousId = "anon-" + (i == 0 ? UUID.randomUUID() : i);
        Instant now = Instant.now();
        ObjectNode context = MessageCodec.mapper().createObjectNode();
        context.putObject("library").put("name", "analytics.js").put("version", "5.2.0");
        context.put("userAgent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0").put("locale", "de-DE");
        if (withConsent) {
            context.putObject("consent").putObject("categoryPreferences").put("marketing", random.nextInt(10) < 7)
                    .put("analytics", random.nextBoolean());
        }
        ObjectNode properties = MessageCodec.mapper().createObjectNode();
        ObjectNode traits = null;
        SegmentEvent.EventType type;
        String name = null;
        int draw = random.nextInt(100);
        if (draw < 30) {
            type = SegmentEvent.EventType.page;
            properties.put("path", "/products/" + random.nextInt(300)).put("title", "Product");
        } else if (draw < 75) {
            type = SegmentEvent.EventType.track;
            name = "Product Viewed";
            properties.put("product_id", "sku-" + random.nextInt(300)).put("price", 19.99).put("currency", "EUR");
        } else if (draw < 85) {
            type = SegmentEvent.EventType.track;
            name = "Order Completed";
            properties.put("order_id", UUID.randomUUID().toString()).put("total", 10 + random.nextInt(20_000) / 100.0)
                    .put("currency", "EUR");
        } else {
            type = SegmentEvent.EventType.identify;
            traits = MessageCodec.mapper().createObjectNode();
            traits.put("plan", random.nextInt(10) < 3 ? "pro" : "free").put("country", random.nextBoolean() ? "DE" : "FR");
            if (userId != null) {
                traits.put("email", userId + "@example.com");
            }
        }
        SegmentEvent event = new SegmentEvent(type, "bench-" + UUID.randomUUID(), userId, anonymousId, name, null, null,
                null, null, now, now, now, now, context, properties, traits, null);
        return new Resolved(profileId,
                MessageCodec.toJson(new EventResolved(UUID.randomUUID(), WORKSPACE, profileId, SOURCE, now, now, event)));
    }
}
