/**
 * The segment condition language: typed condition nodes ({@link org.opencdp.segmentation.condition.Condition}),
 * a strict JSON parser with JSON-pointer errors, the canonical JSON writer, and a pure in-memory
 * evaluator over a profile's traits. See {@link org.opencdp.segmentation.condition.ConditionEvaluator}
 * for the semantics of each operator and {@code Values} for how values compare.
 */
package org.opencdp.segmentation.condition;
