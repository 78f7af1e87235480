package org.opencdp.segmentation.condition;

/**
 * A node of a segment condition (DESIGN §5). A closed set, so every {@code switch} over it is
 * checked for completeness: a new node joins the {@code permits} list and the compiler points at
 * every evaluator that must learn it.
 */
public sealed interface Condition permits And, Or, Not, TraitCondition, ComputedTraitCondition, SegmentCondition,
        EventCondition {
}
