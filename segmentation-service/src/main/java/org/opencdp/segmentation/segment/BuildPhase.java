package org.opencdp.segmentation.segment;

/**
 * Where a build is (issue 11); the constant names are the API and stored names. A segment with
 * {@code event} nodes starts {@code waiting_for_event_traits} while profile-service backfills their
 * hidden computed traits: a build pass before that would read every profile not backfilled yet as
 * count 0 (entering it into {@code lt 1} or {@code eq 0} segments) and see it leave again as its
 * count arrives, and {@code ready} would not mean "built over the events". Real-time changes are
 * still evaluated meanwhile, as for any building segment. Every other build starts {@code evaluating}.
 */
enum BuildPhase {
    waiting_for_event_traits, evaluating
}
