package org.opencdp.segmentation.condition;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** The canonical JSON form of a condition; {@link ConditionParser} reads it back to an equal condition. */
public final class ConditionWriter {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    public ObjectNode toJson(Condition condition) {
        ObjectNode json = NODES.objectNode();
        switch (condition) {
            case And and -> {
                ArrayNode children = json.putArray("and");
                and.conditions().forEach(c -> children.add(toJson(c)));
            }
            case Or or -> {
                ArrayNode children = json.putArray("or");
                or.conditions().forEach(c -> children.add(toJson(c)));
            }
            case Not not -> json.set("not", toJson(not.condition()));
            case TraitCondition trait -> {
                return trait.leaf().toJson(TraitCondition.PATH_MEMBER);
            }
            case ComputedTraitCondition computed -> {
                return computed.leaf().toJson(ComputedTraitCondition.PATH_MEMBER);
            }
            case SegmentCondition segment -> json.put("segment", segment.segmentId());
            case EventCondition event -> {
                return event.toJson();
            }
        }
        return json;
    }
}
