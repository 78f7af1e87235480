package org.opencdp.segmentation.membership;

import java.time.Instant;

/** A current member of a segment: the profile, since when, and the version of its membership row. */
public record Membership(String profileId, Instant since, long version) {
}
