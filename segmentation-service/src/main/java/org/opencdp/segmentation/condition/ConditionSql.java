package org.opencdp.segmentation.condition;

import java.util.ArrayList;
import java.util.List;
import org.opencdp.conditions.LeafSql;
import org.opencdp.conditions.SqlParameters;

/**
 * The SQL form of a condition: a boolean expression (never NULL) over one row {@code p} of {@code
 * profile_traits} that holds exactly when {@link ConditionEvaluator#matches} holds for that profile's
 * facts. {@code trait} and {@code computedTrait} leaves are the shared language's {@link LeafSql} over
 * {@code p.traits} and {@code p.computed_traits} (the two forms agree by cdp-conditions' property
 * test); {@code event} is its count leaf over the hidden trait's value, 0 without one; {@code segment} is a
 * current membership row; {@code and}, {@code or} and {@code not} are
 * SQL's own (safe for {@code not}: no part is ever NULL). Every value from the condition is a bind
 * parameter. Pure.
 */
public final class ConditionSql {

    private ConditionSql() {
    }

    /** The expression of {@code condition} over the {@code profile_traits} row aliased {@code p}. */
    public static String of(Condition condition, SqlParameters parameters) {
        return switch (condition) {
            case And and -> joined(and.conditions(), " AND ", parameters);
            case Or or -> joined(or.conditions(), " OR ", parameters);
            case Not not -> "(NOT " + of(not.condition(), parameters) + ")";
            case TraitCondition trait -> LeafSql.of(trait.leaf(), "p.traits", parameters);
            case ComputedTraitCondition computed -> LeafSql.of(computed.leaf(), "p.computed_traits", parameters);
            // the count leaf over {"count": the hidden trait's value, 0 without one}; names bound, no new literals
            case EventCondition event -> LeafSql.of(event.count(), "jsonb_build_object(CAST("
                    + parameters.bind(EventCondition.COUNT_PATH.first()) + " AS text), COALESCE(NULLIF("
                    + "p.computed_traits -> CAST(" + parameters.bind(event.hiddenTrait()) + " AS text), 'null'::jsonb),"
                    + " to_jsonb(0)))", parameters);
            case SegmentCondition segment -> "EXISTS (SELECT 1 FROM memberships m WHERE m.workspace_id = p.workspace_id"
                    + " AND m.segment_id = CAST(" + parameters.bind(segment.segmentId()) + " AS text)"
                    + " AND m.profile_id = p.profile_id AND m.member)";
        };
    }

    private static String joined(List<Condition> conditions, String junction, SqlParameters parameters) {
        List<String> parts = new ArrayList<>(conditions.size());
        conditions.forEach(c -> parts.add(of(c, parameters)));
        return "(" + String.join(junction, parts) + ")";
    }
}
