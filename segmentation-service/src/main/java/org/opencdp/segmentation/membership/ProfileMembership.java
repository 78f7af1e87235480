package org.opencdp.segmentation.membership;

import java.time.Instant;

/** A segment a profile currently belongs to. */
public record ProfileMembership(String segmentId, String name, Instant since) {
}
