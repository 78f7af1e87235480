package org.opencdp.bench;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Builds {@code /v1/batch} bodies of realistic analytics.js-like track events (about 600 bytes
 * each), every event with a fresh messageId so nothing is de-duplicated away.
 */
final class BatchFactory {

    private static final String[] EVENTS = {"Product Viewed", "Product Added", "Checkout Started", "Order Completed"};
    private final AtomicLong sequence = new AtomicLong();
    private final String runId = Long.toString(System.nanoTime(), 36);
    private final int batchSize;

    BatchFactory(int batchSize) {
        this.batchSize = batchSize;
    }

    String next() {
        String now = Instant.now().toString();
        StringBuilder body = new StringBuilder(batchSize * 640);
        body.append("{\"sentAt\":\"").append(now).append("\",\"batch\":[");
        for (int i = 0; i < batchSize; i++) {
            long n = sequence.incrementAndGet();
            if (i > 0) {
                body.append(',');
            }
            body.append("{\"type\":\"track\",\"messageId\":\"bench-").append(runId).append('-').append(n)
                    .append("\",\"anonymousId\":\"anon-").append(n % 50_000)
                    .append("\",\"userId\":\"user-").append(n % 20_000)
                    .append("\",\"event\":\"").append(EVENTS[(int) (n % EVENTS.length)])
                    .append("\",\"timestamp\":\"").append(now)
                    .append("\",\"properties\":{\"product_id\":\"sku-").append(n % 997)
                    .append("\",\"price\":19.99,\"quantity\":").append(1 + n % 3)
                    .append(",\"currency\":\"EUR\",\"category\":\"Shoes\"}")
                    .append(",\"context\":{\"library\":{\"name\":\"analytics.js\",\"version\":\"5.2.0\"},")
                    .append("\"page\":{\"path\":\"/products/").append(n % 997)
                    .append("\",\"url\":\"https://shop.example.com/products/").append(n % 997)
                    .append("\",\"referrer\":\"https://www.example.org/\"},")
                    .append("\"userAgent\":\"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) ")
                    .append("Chrome/131.0 Safari/537.36\",\"locale\":\"de-DE\",\"ip\":\"203.0.113.7\"}}");
        }
        return body.append("]}").toString();
    }
}
