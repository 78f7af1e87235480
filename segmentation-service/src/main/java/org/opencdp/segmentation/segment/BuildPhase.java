package org.opencdp.segmentation.segment;

/**
 * Where a build is (issue 11); the constant names are the API and stored names. A segment with
 * {@code event} nodes starts {@code waiting_for_event_traits}: profile-service is backfilling their
 * hidden computed traits, and evaluating before that would show members leave and enter again as
 * the counts arrive. Every other build starts {@code evaluating}.
 */
enum BuildPhase {
    waiting_for_event_traits, evaluating
}
