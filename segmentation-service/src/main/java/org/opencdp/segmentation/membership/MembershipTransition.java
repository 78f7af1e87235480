package org.opencdp.segmentation.membership;

/** A profile entering ({@code entered}) or leaving a segment, as one evaluation found it. */
public record MembershipTransition(String workspaceId, String segmentId, String profileId, boolean entered) {
}
