package org.opencdp.bench.platform;

import java.util.Locale;
import java.util.SplittableRandom;

/** Writes the Segment-spec JSON of each kind of event the traffic holds, as analytics.js would send it. */
final class EventWriter {

    private static final String[] PAGES = {"Home", "Category", "Product", "Cart", "Search", "Blog", "Account"};

    private final String runId;
    private final Catalog catalog;
    private long sequence;

    EventWriter(String runId, Catalog catalog) {
        this.runId = runId;
        this.catalog = catalog;
    }

    String page(TrafficGenerator.Device device, SplittableRandom random, String timestamp, boolean withConsent) {
        String name = PAGES[random.nextInt(PAGES.length)];
        String path = "/" + name.toLowerCase(Locale.ROOT) + (name.equals("Product") ? "/" + catalog.product(random).id() : "");
        StringBuilder out = start("page", device, timestamp);
        out.append(",\"name\":").append(Json.quote(name)).append(",\"properties\":{\"path\":").append(Json.quote(path))
                .append(",\"url\":").append(Json.quote("https://shop.example.com" + path))
                .append(",\"title\":").append(Json.quote(name + " | Example Shop"))
                .append(",\"referrer\":").append(Json.quote(catalog.referrer(random))).append('}');
        return context(out, device, path, withConsent);
    }

    String product(GeneratedEvent.Kind kind, TrafficGenerator.Device device, SplittableRandom random, String timestamp) {
        Catalog.Product product = catalog.product(random);
        StringBuilder out = start("track", device, timestamp);
        out.append(",\"event\":").append(kind == GeneratedEvent.Kind.PRODUCT_VIEWED ? "\"Product Viewed\"" : "\"Product Added\"")
                .append(",\"properties\":{\"product_id\":").append(Json.quote(product.id()))
                .append(",\"name\":").append(Json.quote(product.name()))
                .append(",\"category\":").append(Json.quote(product.category()))
                .append(",\"price\":").append(product.price())
                .append(",\"quantity\":").append(1 + random.nextInt(3))
                .append(",\"currency\":\"EUR\"}");
        return context(out, device, "/product/" + product.id(), false);
    }

    String order(TrafficGenerator.Device device, SplittableRandom random, String timestamp) {
        int lines = 1 + random.nextInt(4);
        double subtotal = 0;
        StringBuilder products = new StringBuilder("[");
        for (int i = 0; i < lines; i++) {
            Catalog.Product product = catalog.product(random);
            int quantity = 1 + random.nextInt(3);
            subtotal += product.price() * quantity;
            products.append(i == 0 ? "" : ",").append("{\"product_id\":").append(Json.quote(product.id()))
                    .append(",\"name\":").append(Json.quote(product.name()))
                    .append(",\"price\":").append(product.price()).append(",\"quantity\":").append(quantity).append('}');
        }
        double shipping = subtotal >= 50 ? 0 : 4.95;
        double tax = round(subtotal * 0.19 / 1.19);
        double total = round(subtotal + shipping);
        StringBuilder out = start("track", device, timestamp);
        out.append(",\"event\":\"Order Completed\",\"properties\":{\"order_id\":")
                .append(Json.quote("order-" + runId + "-" + sequence))
                .append(",\"total\":").append(total).append(",\"revenue\":").append(round(subtotal - tax))
                .append(",\"shipping\":").append(shipping).append(",\"tax\":").append(tax)
                .append(",\"currency\":").append(Json.quote(catalog.currency(random)))
                .append(",\"products\":").append(products).append("]}");
        return context(out, device, "/checkout/complete", false);
    }

    String identify(TrafficGenerator.Device device, SplittableRandom random, String timestamp) {
        TrafficGenerator.Person person = device.person;
        StringBuilder out = start("identify", device, timestamp);
        out.append(",\"traits\":{\"email\":").append(Json.quote(person.email))
                .append(",\"firstName\":").append(Json.quote(person.firstName))
                .append(",\"lastName\":").append(Json.quote(person.lastName))
                .append(",\"plan\":").append(Json.quote(person.plan))
                .append(",\"country\":").append(Json.quote(person.country)).append('}');
        return context(out, device, "/login", true);
    }

    String consentChange(TrafficGenerator.Device device, SplittableRandom random, String timestamp) {
        StringBuilder out = start("track", device, timestamp);
        out.append(",\"event\":\"Segment Consent Preference Updated\",\"properties\":{}");
        return context(out, device, "/privacy", true);
    }

    private StringBuilder start(String type, TrafficGenerator.Device device, String timestamp) {
        StringBuilder out = new StringBuilder(700);
        out.append("{\"type\":\"").append(type).append("\",\"messageId\":\"").append(runId).append('-').append(++sequence)
                .append("\",\"anonymousId\":").append(Json.quote(device.anonymousId));
        if (device.identified || type.equals("identify")) {
            out.append(",\"userId\":").append(Json.quote(device.person.userId));
        }
        return out.append(",\"timestamp\":\"").append(timestamp).append('"');
    }

    private static String context(StringBuilder out, TrafficGenerator.Device device, String path, boolean withConsent) {
        out.append(",\"context\":{\"library\":{\"name\":\"analytics.js\",\"version\":\"5.2.0\"},\"page\":{\"path\":")
                .append(Json.quote(path)).append(",\"url\":").append(Json.quote("https://shop.example.com" + path))
                .append("},\"userAgent\":").append(Json.quote(device.userAgent))
                .append(",\"locale\":\"").append(device.locale).append('"');
        if (withConsent) {
            out.append(",\"consent\":{\"categoryPreferences\":{\"marketing\":").append(device.person.marketing)
                    .append(",\"analytics\":").append(device.person.analytics).append("}}");
        }
        return out.append("}}").toString();
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
