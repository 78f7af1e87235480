package org.opencdp.segmentation.membership;

/** A profile entering ({@code entered}) or leaving a segment, as one evaluation found it. */
public record MembershipTransition(String workspaceId, String segmentId, String profileId, boolean entered) {

    /** A membership row removed with its profile, and whether it was a current membership. */
    public record Removed(String workspaceId, String segmentId, String profileId, boolean member, long version) {
    }
}
