package org.opencdp.bench.platform;

/**
 * The shape of the generated traffic. The event weights are relative (they need not add up to
 * 100); the shares are probabilities.
 *
 * @param page weight of page views
 * @param productViewed weight of {@code Product Viewed}
 * @param productAdded weight of {@code Product Added}
 * @param orderCompleted weight of {@code Order Completed} (an anonymous device identifies first: a login at checkout)
 * @param identify weight of identify calls (userId, email and traits)
 * @param consentChange weight of {@code Segment Consent Preference Updated} (a person changes their consent)
 * @param proShare share of people on plan {@code pro}, the trait the bench's segment selects
 * @param upgradeShare chance that a later identify of a non-pro person upgrades them to {@code pro}
 * @param marketingShare share of people who grant {@code marketing} consent on their first visit
 * @param returningShare share of sessions by a person seen before (the rest are new people)
 * @param newDeviceShare share of returning sessions on another device (at most {@link #MAX_DEVICES})
 * @param activeSessions how many sessions are under way at once (events interleave across them)
 */
record TrafficMix(int page, int productViewed, int productAdded, int orderCompleted, int identify, int consentChange,
                  double proShare, double upgradeShare, double marketingShare, double returningShare,
                  double newDeviceShare, int activeSessions) {

    static final int MAX_DEVICES = 3;

    /** An online shop: mostly browsing, one in twenty events an order, logins and a few consent changes. */
    static TrafficMix shop() {
        return new TrafficMix(52, 16, 8, 5, 14, 5, 0.3, 0.05, 0.7, 0.35, 0.4, 500);
    }

    TrafficMix {
        if (page < 0 || productViewed < 0 || productAdded < 0 || orderCompleted < 0 || identify < 0 || consentChange < 0
                || page + productViewed + productAdded + orderCompleted + identify + consentChange == 0) {
            throw new IllegalArgumentException("Event weights must be non-negative and not all zero");
        }
        if (activeSessions < 1) {
            throw new IllegalArgumentException("At least one active session is needed");
        }
    }

    int totalWeight() {
        return page + productViewed + productAdded + orderCompleted + identify + consentChange;
    }
}
