/**
 * The segment condition language: typed condition nodes ({@link org.opencdp.segmentation.condition.Condition}),
 * a strict JSON parser with JSON-pointer errors, the canonical JSON writer, and a pure in-memory
 * evaluator over a profile's traits. See {@link org.opencdp.segmentation.condition.ConditionEvaluator}
 * for the connectives; trait leaves are the shared language of {@code org.opencdp.conditions}
 * ({@code docs/conditions.md}).
 */
package org.opencdp.segmentation.condition;
