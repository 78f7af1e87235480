package org.opencdp.segmentation.condition;

/**
 * A node of a segment condition (DESIGN §5). A closed set, so every {@code switch} over it is
 * checked for completeness: when event, computed-trait and segment-membership nodes arrive they
 * join the {@code permits} list and the compiler points at every evaluator that must learn them.
 */
public sealed interface Condition permits And, Or, Not, TraitCondition {
}
