package org.opencdp.bench.platform;

/**
 * One event of the traffic, as the Tracking API receives it.
 *
 * @param kind what it is
 * @param json the event object (without {@code timestamp}, which the sender adds when it sends)
 * @param userId the person's userId when this device has identified, else null
 * @param anonymousId the device's anonymousId
 * @param entersSegment true when this identify sets {@code plan = pro} on a person who was not pro:
 *     the profile enters the bench's segment
 * @param marketingGranted whether the person has granted {@code marketing} consent (the webhook's purpose) as of this event
 * @param carriesConsent whether the event carries {@code context.consent.categoryPreferences}
 */
record GeneratedEvent(Kind kind, String json, String userId, String anonymousId, boolean entersSegment,
                      boolean marketingGranted, boolean carriesConsent) {

    enum Kind {
        PAGE, PRODUCT_VIEWED, PRODUCT_ADDED, ORDER_COMPLETED, IDENTIFY, CONSENT_CHANGE
    }

    /** A sampled person: the segment (plan pro) is entered and the webhook's consent is granted. */
    boolean reachesWebhook() {
        return entersSegment && marketingGranted;
    }
}
