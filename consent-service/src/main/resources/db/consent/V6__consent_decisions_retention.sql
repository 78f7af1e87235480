-- Issue 12: stored decisions are deleted after cdp.consent.decisions.retention (DecisionPruner), a
-- batch per statement, oldest first through this index. A b-tree, not BRIN: pruned pages are
-- reused by new decisions, which would widen a BRIN range's summary for good, so every round would
-- scan those ranges again. Decisions are inserted in decided_at order, so its entries go to the
-- index's right edge (measured: a few pages per 500-decision insert).
CREATE INDEX consent_decisions_decided_at ON consent_decisions (decided_at);
