package org.opencdp.segmentation.condition;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.opencdp.conditions.LeafEvaluator;
import tools.jackson.databind.JsonNode;

/**
 * Evaluates a condition against one profile's facts (traits, computed traits, memberships), in
 * memory. Pure: no I/O, no state, never throws for any values. {@code and}, {@code or} and {@code
 * not} are the usual connectives; {@code trait} and {@code computedTrait} leaves have the shared
 * semantics of {@link LeafEvaluator} ({@code docs/conditions.md}): the dotted path starts at a
 * top-level trait or at a computed trait's key, and a missing or null value makes every operator
 * false except {@code not_exists}. {@code segment} is membership of that segment now; {@code event} the
 * count test over its hidden computed trait's value, none being 0 ({@link EventCondition}).
 */
public final class ConditionEvaluator {

    /** Whether {@code condition} holds for a profile with these facts. */
    public boolean matches(Condition condition, ProfileFacts profile) {
        return switch (condition) {
            case And and -> and.conditions().stream().allMatch(c -> matches(c, profile));
            case Or or -> or.conditions().stream().anyMatch(c -> matches(c, profile));
            case Not not -> !matches(not.condition(), profile);
            case TraitCondition trait -> LeafEvaluator.test(trait.leaf(), trait.leaf().path().at(profile.traits()::get));
            case ComputedTraitCondition computed ->
                    LeafEvaluator.test(computed.leaf(), computed.leaf().path().at(profile.computedTraits()::get));
            case SegmentCondition segment -> profile.segments().contains(segment.segmentId());
            case EventCondition event -> event.countMatches(profile.computedTraits().get(event.hiddenTrait()));
        };
    }

    /** Whether {@code condition} holds for a profile known only by its {@code traits} (trait name → value). */
    public boolean matches(Condition condition, Map<String, JsonNode> traits) {
        return matches(condition, ProfileFacts.ofTraits(traits));
    }

    /** The names of the traits {@link #matches} reads for {@code condition}. */
    public Set<String> traitsRead(Condition condition) {
        return reads(condition).traits();
    }

    /** Everything {@link #matches} reads for {@code condition}: a change that touches none of it cannot change its result. */
    public Reads reads(Condition condition) {
        Set<String> traits = new HashSet<>();
        Set<String> computed = new HashSet<>();
        Set<String> segments = new HashSet<>();
        collect(condition, traits, computed, segments);
        return new Reads(traits, computed, segments);
    }

    /** The segment nodes of {@code condition}, each with its JSON pointer relative to the condition, in document order. */
    public List<Reference> references(Condition condition) {
        List<Reference> references = new ArrayList<>();
        collectReferences(condition, "", references);
        return references;
    }

    /** The {@code event} nodes of {@code condition}, each with its JSON pointer relative to the condition, in document order. */
    public List<EventNode> events(Condition condition) {
        List<EventNode> events = new ArrayList<>();
        collectEvents(condition, "", events);
        return events;
    }

    /** An {@code event} node and where it is. */
    public record EventNode(EventCondition event, String pointer) {
    }

    private static void collectEvents(Condition condition, String pointer, List<EventNode> events) {
        switch (condition) {
            case And and -> {
                for (int i = 0; i < and.conditions().size(); i++) {
                    collectEvents(and.conditions().get(i), pointer + "/and/" + i, events);
                }
            }
            case Or or -> {
                for (int i = 0; i < or.conditions().size(); i++) {
                    collectEvents(or.conditions().get(i), pointer + "/or/" + i, events);
                }
            }
            case Not not -> collectEvents(not.condition(), pointer + "/not", events);
            case EventCondition event -> events.add(new EventNode(event, pointer));
            case TraitCondition trait -> {
            }
            case ComputedTraitCondition computed -> {
            }
            case SegmentCondition segment -> {
            }
        }
    }

    /** A {@code segment} node and where it is. */
    public record Reference(String segmentId, String pointer) {
    }

    private static void collect(Condition condition, Set<String> traits, Set<String> computed, Set<String> segments) {
        switch (condition) {
            case And and -> and.conditions().forEach(c -> collect(c, traits, computed, segments));
            case Or or -> or.conditions().forEach(c -> collect(c, traits, computed, segments));
            case Not not -> collect(not.condition(), traits, computed, segments);
            case TraitCondition trait -> traits.add(trait.trait());
            case ComputedTraitCondition computedTrait -> computed.add(computedTrait.key());
            case EventCondition event -> computed.add(event.hiddenTrait());
            case SegmentCondition segment -> segments.add(segment.segmentId());
        }
    }

    private static void collectReferences(Condition condition, String pointer, List<Reference> references) {
        switch (condition) {
            case And and -> {
                for (int i = 0; i < and.conditions().size(); i++) {
                    collectReferences(and.conditions().get(i), pointer + "/and/" + i, references);
                }
            }
            case Or or -> {
                for (int i = 0; i < or.conditions().size(); i++) {
                    collectReferences(or.conditions().get(i), pointer + "/or/" + i, references);
                }
            }
            case Not not -> collectReferences(not.condition(), pointer + "/not", references);
            case SegmentCondition segment -> references.add(new Reference(segment.segmentId(), pointer));
            case TraitCondition trait -> {
            }
            case ComputedTraitCondition computed -> {
            }
            case EventCondition event -> {
            }
        }
    }
}
