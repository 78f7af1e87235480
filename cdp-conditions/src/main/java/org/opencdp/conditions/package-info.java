/**
 * The one leaf condition language of OpenCDP ({@code docs/conditions.md}): a {@link org.opencdp.conditions.Leaf}
 * tests the value at a dotted {@link org.opencdp.conditions.Path} with an {@link org.opencdp.conditions.Operator}.
 * {@link org.opencdp.conditions.LeafParser} reads it from JSON with JSON-pointer errors, {@link
 * org.opencdp.conditions.LeafEvaluator} evaluates it in memory and {@link org.opencdp.conditions.LeafSql} writes the
 * same test as SQL over a jsonb value. Trees of leaves ({@code and}, {@code or}, {@code not}, event filters) belong to
 * the services that use them. No Spring, no HTTP: errors are {@link org.opencdp.conditions.ConditionError}s that each
 * service turns into its own validation problem.
 */
package org.opencdp.conditions;
