package org.opencdp.profile.computed;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import org.opencdp.conditions.Leaf;
import org.opencdp.conditions.LeafSql;
import org.opencdp.conditions.SqlParameters;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;

/**
 * The SQL that computes the {@link AggregateState} of a computed trait for some profiles from their
 * stored events, in the state's JSON form, with the event time of the oldest event counted (which
 * tells when a windowed value next changes). The database does the work: no event leaves it. The
 * {@code where} conditions have the semantics of {@link Leaf#matches} (the shared {@link LeafSql}); casts sit inside
 * {@code CASE} so a value of another type never fails a query.
 */
final class AggregateQuery {

    private static final String NUMBER = "CASE WHEN jsonb_typeof(e.v) = 'number' THEN (e.v)::numeric END";
    private static final String SCALAR_KEY = """
            CASE jsonb_typeof(e.v) WHEN 'string' THEN 's:' || (e.v #>> '{}')
                WHEN 'number' THEN 'n:' || trim_scale((e.v)::numeric)::text
                WHEN 'boolean' THEN 'b:' || (e.v #>> '{}') END""";
    private static final String AT = "to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')";

    final String sql;
    final MapSqlParameterSource parameters;

    private AggregateQuery(String sql, MapSqlParameterSource parameters) {
        this.sql = sql;
        this.parameters = parameters;
    }

    /**
     * The state of {@code definition} for each of {@code profileIds} that has at least one counted
     * event with an event time after {@code since} (every event when null): a window of length w
     * at time t holds the events of (t - w, ∞), so an event leaves it exactly at its time + w. Columns:
     * {@code workspace_id}, {@code trait_key}, {@code profile_id}, {@code state} (JSON text), {@code oldest}.
     */
    static AggregateQuery forProfiles(ComputedTraitDefinition definition, Collection<String> profileIds,
                                      Instant since) {
        return forProfiles(definition, profileIds, since, List.of(), "");
    }

    /**
     * As {@link #forProfiles(ComputedTraitDefinition, Collection, Instant)}, leaving out the events
     * of the workspace with the messageIds {@code excluded} (a chunk's own events, which it folds in
     * itself), with every parameter name starting with {@code prefix} (so queries can be {@link
     * #union united}).
     */
    static AggregateQuery forProfiles(ComputedTraitDefinition definition, Collection<String> profileIds,
                                      Instant since, Collection<String> excluded, String prefix) {
        MapSqlParameterSource parameters = new MapSqlParameterSource()
                .addValue(prefix + "workspaceId", definition.workspaceId())
                .addValue(prefix + "key", definition.key())
                .addValue(prefix + "profileIds", profileIds.toArray(String[]::new))
                .addValue(prefix + "event", definition.event());
        String value = definition.aggregation().needsProperty()
                ? path(definition.propertyPath(), prefix + "v", parameters) : "NULL::jsonb";
        StringBuilder inner = new StringBuilder()
                .append("SELECT profile_id, occurred_at, message_id, ").append(value).append(" AS v FROM events")
                .append(" WHERE workspace_id = :").append(prefix).append("workspaceId AND profile_id = ANY(CAST(:")
                .append(prefix).append("profileIds AS text[])) AND type = 'track' AND name = :").append(prefix)
                .append("event");
        if (since != null) {
            inner.append(" AND occurred_at > :").append(prefix).append("since");
            parameters.addValue(prefix + "since", OffsetDateTime.ofInstant(since, ZoneOffset.UTC));
        }
        if (definition.between() != null) {
            inner.append(" AND occurred_at >= :").append(prefix).append("lower AND occurred_at < :").append(prefix)
                    .append("upper");
            parameters.addValue(prefix + "lower", OffsetDateTime.ofInstant(definition.between().lower(), ZoneOffset.UTC));
            parameters.addValue(prefix + "upper", OffsetDateTime.ofInstant(definition.between().upper(), ZoneOffset.UTC));
        }
        if (!excluded.isEmpty()) {
            inner.append(" AND message_id <> ALL(CAST(:").append(prefix).append("excluded AS text[]))");
            parameters.addValue(prefix + "excluded", excluded.toArray(String[]::new));
        }
        List<Leaf> where = definition.where();
        for (int i = 0; i < where.size(); i++) {
            inner.append(" AND ").append(condition(where.get(i), prefix + "w" + i, parameters));
        }
        String sql = "SELECT CAST(:" + prefix + "workspaceId AS text) AS workspace_id, CAST(:" + prefix
                + "key AS text) AS trait_key, e.profile_id, " + state(definition.aggregation()) + "::text AS state, "
                + "min(e.occurred_at) AS oldest FROM (" + inner + ") e WHERE "
                + counted(definition.aggregation()) + " GROUP BY e.profile_id";
        return new AggregateQuery(sql, parameters);
    }

    /** One query answering all of {@code queries} (built with distinct prefixes), in one statement. */
    static AggregateQuery union(List<AggregateQuery> queries) {
        MapSqlParameterSource parameters = new MapSqlParameterSource();
        queries.forEach(query -> parameters.addValues(query.parameters.getValues()));
        return new AggregateQuery(String.join("\nUNION ALL\n", queries.stream().map(q -> "(" + q.sql + ")").toList()),
                parameters);
    }

    /** The state expression of an aggregation over the rows {@code e} of one profile. */
    static String state(Aggregation aggregation) {
        return switch (aggregation) {
            case count -> "jsonb_build_object('count', count(*))";
            case sum, avg -> "jsonb_build_object('sum', sum(" + NUMBER + ")::text, 'count', count(*))";
            case min -> "jsonb_build_object('value', min(" + NUMBER + ")::text)";
            case max -> "jsonb_build_object('value', max(" + NUMBER + ")::text)";
            case first -> positioned("ASC");
            case last -> positioned("DESC");
            case most_frequent, unique_count -> "jsonb_build_object('counts', (SELECT COALESCE(jsonb_object_agg(c.k, c.n), "
                    + "'{}'::jsonb) FROM (SELECT k, count(*) AS n FROM unnest(array_agg(" + SCALAR_KEY
                    + ")) AS k GROUP BY k) c))";
        };
    }

    /** Which rows an aggregation counts (as {@link Aggregations#observe} does). */
    static String counted(Aggregation aggregation) {
        return switch (aggregation) {
            case count -> "true";
            case sum, avg, min, max -> "jsonb_typeof(e.v) = 'number'";
            case first, last -> "e.v IS NOT NULL AND e.v <> 'null'::jsonb";
            case most_frequent, unique_count -> "jsonb_typeof(e.v) IN ('string', 'number', 'boolean')";
        };
    }

    /** The SQL of one {@code where} condition on the stored event's properties (the shared {@link LeafSql}). */
    static String condition(Leaf condition, String name, MapSqlParameterSource parameters) {
        return LeafSql.of(condition, "payload -> 'properties'", SqlParameters.named(name + "_", parameters::addValue));
    }

    /** {@code payload -> 'properties' -> :x0 -> :x1 …}, binding each segment. */
    private static String path(List<String> segments, String name, MapSqlParameterSource parameters) {
        StringBuilder path = new StringBuilder("(payload -> 'properties'");
        for (int i = 0; i < segments.size(); i++) {
            String parameter = name + "p" + i;
            parameters.addValue(parameter, segments.get(i));
            path.append(" -> CAST(:").append(parameter).append(" AS text)");
        }
        return path.append(")").toString();
    }

    private static String positioned(String direction) {
        return "(array_agg(jsonb_build_object('value', e.v, 'at', " + AT + ", 'messageId', e.message_id) ORDER BY "
                + "e.occurred_at " + direction + ", e.message_id COLLATE \"C\" " + direction + "))[1]";
    }
}
