package org.opencdp.consent.privacy;

import java.util.Collection;

/**
 * Where a privacy request, or one service's part in it, stands; each constant is its API value.
 * A service is {@code pending} until it acknowledges, then {@code completed} or {@code failed} (a
 * later acknowledgement replaces an earlier one, so a service that failed and retried completes).
 * The request is {@code pending} until the first acknowledgement, {@code in_progress} until every
 * service has acknowledged, then {@code completed} if all of them did it, else {@code failed}.
 */
enum PrivacyStatus {
    pending, in_progress, completed, failed;

    boolean finished() {
        return this == completed || this == failed;
    }

    /** The request's status from its services' statuses. */
    static PrivacyStatus ofRequest(Collection<PrivacyStatus> services) {
        if (services.stream().allMatch(status -> status == completed)) {
            return completed;
        }
        if (services.stream().allMatch(PrivacyStatus::finished)) {
            return failed;
        }
        return services.stream().anyMatch(PrivacyStatus::finished) ? in_progress : pending;
    }
}
