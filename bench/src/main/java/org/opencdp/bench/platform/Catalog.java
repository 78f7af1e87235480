package org.opencdp.bench.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.SplittableRandom;
import net.datafaker.Faker;

/**
 * The names, shop products and browsers the traffic draws from, made once by Datafaker from the
 * seed (so the same seed gives the same catalog), then picked from by index: Datafaker per event
 * would cost the load generator more CPU than the platform spends on the event.
 */
final class Catalog {

    /** A product of the shop. */
    record Product(String id, String name, String category, double price) {
    }

    private static final String[] CURRENCIES = {"EUR", "EUR", "EUR", "USD", "GBP"};
    private static final String[] LOCALES = {"de-DE", "en-US", "en-GB", "fr-FR", "nl-NL", "es-ES"};

    private final List<String> firstNames = new ArrayList<>();
    private final List<String> lastNames = new ArrayList<>();
    private final List<String> domains = new ArrayList<>();
    private final List<String> countries = new ArrayList<>();
    private final List<String> userAgents = new ArrayList<>();
    private final List<String> referrers = new ArrayList<>();
    private final List<Product> products = new ArrayList<>();

    Catalog(long seed) {
        Faker faker = new Faker(Locale.ENGLISH, new Random(seed));
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 400; i++) {
            firstNames.add(faker.name().firstName());
            lastNames.add(faker.name().lastName());
        }
        for (int i = 0; i < 40; i++) {
            domains.add(faker.internet().domainName());
            countries.add(faker.address().countryCode());
            userAgents.add(faker.internet().userAgent());
            referrers.add("https://" + faker.internet().domainName() + "/");
        }
        for (int i = 0; i < 300; i++) {
            double price = Math.round((4.99 + random.nextDouble() * 245) * 100) / 100.0;
            products.add(new Product("sku-" + (10_000 + i), faker.commerce().productName(),
                    faker.commerce().department(), price));
        }
    }

    String firstName(SplittableRandom random) {
        return pick(firstNames, random);
    }

    String lastName(SplittableRandom random) {
        return pick(lastNames, random);
    }

    String domain(SplittableRandom random) {
        return pick(domains, random);
    }

    String country(SplittableRandom random) {
        return pick(countries, random);
    }

    String userAgent(SplittableRandom random) {
        return pick(userAgents, random);
    }

    String referrer(SplittableRandom random) {
        return pick(referrers, random);
    }

    String locale(SplittableRandom random) {
        return LOCALES[random.nextInt(LOCALES.length)];
    }

    String currency(SplittableRandom random) {
        return CURRENCIES[random.nextInt(CURRENCIES.length)];
    }

    Product product(SplittableRandom random) {
        return pick(products, random);
    }

    private static <T> T pick(List<T> values, SplittableRandom random) {
        return values.get(random.nextInt(values.size()));
    }
}
