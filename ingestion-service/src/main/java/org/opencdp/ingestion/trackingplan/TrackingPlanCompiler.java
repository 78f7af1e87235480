package org.opencdp.ingestion.trackingplan;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import com.networknt.schema.resource.SchemaLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.opencdp.kit.problem.CdpException;
import org.opencdp.kit.problem.InvalidField;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.exc.JsonNodeException;

/**
 * Checks the JSON Schemas of a tracking plan and compiles them (networknt json-schema-validator).
 * A schema must be valid against the meta-schema of its dialect (draft 2020-12 unless it names
 * another with {@code $schema}: draft 4, 6, 7 or 2019-09) and compile; otherwise the plan is refused
 * with 400 {@code invalid_tracking_plan} and every error with a JSON pointer into the request.
 *
 * <p>Schemas are self-contained: a {@code $ref} may point inside the schema ({@code #/$defs/…}) but
 * never to a URL, file or class-path resource (no schema is fetched from anywhere, so a plan cannot
 * make the service call out). {@code format} is asserted ({@code "format": "email"} rejects a value
 * that is not an e-mail address), as tracking-plan users expect. Each plan compiles in its own
 * schema registry, so nothing one workspace declares (an {@code $id}) is visible to another.
 *
 * <p>Patterns are tenant input run on shared request threads: every regular expression (the
 * schemas' {@code pattern}s and {@code patternProperties}, and values checked by {@code "format":
 * "regex"}) runs on a linear-time engine ({@link LinearTimePatterns}). A pattern it cannot compile
 * (backreferences, lookaround) or a pattern over {@value LinearTimePatterns#MAX_PATTERN_LENGTH}
 * characters refuses the plan, with a pointer to the pattern.
 *
 * <p>Before the meta-schema check, which recurses and converts numbers, a schema must be at most
 * {@value SchemaLimits#MAX_DEPTH} levels deep and hold no U+0000 ({@link SchemaLimits}), its counts
 * must fit a {@code long} ({@link SchemaKeywords}), and its references may not cycle without checking
 * a deeper value ({@link ReferenceCycles}): each would otherwise be a 500, on this request or on
 * every event the plan checks (issue 16).
 */
@Component
class TrackingPlanCompiler {

    static final int MAX_EVENTS = 2_000;
    static final int MAX_EVENT_NAME_LENGTH = 255;

    private final Map<SpecificationVersion, Schema> metaSchemas = new EnumMap<>(SpecificationVersion.class);
    private final long maxEvaluationSteps;

    TrackingPlanCompiler() {
        this(CompiledTrackingPlan.MAX_EVALUATION_STEPS);
    }

    TrackingPlanCompiler(long maxEvaluationSteps) {
        this.maxEvaluationSteps = maxEvaluationSteps;
        SchemaRegistry registry = registry();
        for (SpecificationVersion version : SpecificationVersion.values()) {
            metaSchemas.put(version, registry.getSchema(SchemaLocation.of(version.getDialectId())));
        }
    }

    /** Checks and compiles {@code plan}; a 400 problem {@code invalid_tracking_plan} listing every error otherwise. */
    CompiledTrackingPlan compile(TrackingPlan plan) {
        Set<InvalidField> errors = new LinkedHashSet<>();
        if (plan.events().size() > MAX_EVENTS) {
            errors.add(new InvalidField("/events", "A tracking plan may name at most " + MAX_EVENTS + " events."));
        }
        plan.events().forEach((name, schema) -> {
            String path = InvalidField.pointerTo("events", name);
            if (name.isBlank() || name.length() > MAX_EVENT_NAME_LENGTH) {
                errors.add(new InvalidField(path, "An event name must have 1 to " + MAX_EVENT_NAME_LENGTH
                        + " characters, not only spaces."));
            }
            if (name.indexOf('\0') >= 0) {
                errors.add(new InvalidField(path.replace("\0", "\\u0000"),
                        "An event name may not contain the character U+0000, which cannot be stored."));
            }
            errors.addAll(check(schema, path));
        });
        if (plan.identify() != null) {
            errors.addAll(check(plan.identify(), "/identify"));
        }
        if (plan.group() != null) {
            errors.addAll(check(plan.group(), "/group"));
        }
        if (!errors.isEmpty()) {
            throw invalid(errors);
        }
        SchemaRegistry registry = registry();
        Map<String, Schema> events = new LinkedHashMap<>();
        plan.events().forEach((name, schema) -> build(registry, schema, InvalidField.pointerTo("events", name), errors)
                .ifPresent(compiled -> events.put(name, compiled)));
        Schema identify = plan.identify() == null ? null
                : build(registry, plan.identify(), "/identify", errors).orElse(null);
        Schema group = plan.group() == null ? null : build(registry, plan.group(), "/group", errors).orElse(null);
        if (!errors.isEmpty()) {
            throw invalid(errors);
        }
        return new CompiledTrackingPlan(events, identify, group, plan.unplannedEvents(), plan.invalidEvents(),
                maxEvaluationSteps);
    }

    private List<InvalidField> check(JsonNode schema, String path) {
        if (schema == null || !(schema.isObject() || schema.isBoolean())) {
            return List.of(new InvalidField(path, "A schema must be a JSON object or a boolean."));
        }
        SpecificationVersion version = SpecificationVersion.DRAFT_2020_12;
        JsonNode dialect = schema.get("$schema");
        if (dialect != null) {
            Optional<SpecificationVersion> declared = dialect.isString()
                    ? SpecificationVersion.fromDialectId(dialect.asString()) : Optional.empty();
            if (declared.isEmpty()) {
                return List.of(new InvalidField(path + "/$schema", "Unsupported '$schema'; use one of "
                        + Arrays.stream(SpecificationVersion.values()).map(SpecificationVersion::getDialectId)
                        .toList() + ", or leave it out for draft 2020-12."));
            }
            version = declared.get();
        }
        InvalidField unsafe = SchemaLimits.problem(schema, path);
        if (unsafe != null) {
            return List.of(unsafe); // not walked any further
        }
        List<InvalidField> errors = new ArrayList<>(SchemaKeywords.problems(schema, path));
        errors.addAll(ReferenceCycles.problems(schema, path));
        List<String> found = errors.stream().map(InvalidField::pointer).toList();
        List<Error> metaSchemaErrors;
        try {
            metaSchemaErrors = metaSchemas.get(version).validate(schema);
        } catch (JsonNodeException e) { // a count out of range, which SchemaKeywords has reported
            if (errors.isEmpty()) {
                errors.add(new InvalidField(path, "The schema holds a number out of range: " + e.getOriginalMessage()));
            }
            return errors;
        }
        for (Error error : metaSchemaErrors) {
            String pointer = path + error.getInstanceLocation();
            // the meta-schema's "format": "regex" finds the same patterns (a patternProperties name at its
            // parent) and says less about them; the same for counts
            if (found.stream().noneMatch(known -> known.equals(pointer) || known.startsWith(pointer + "/"))) {
                errors.add(new InvalidField(pointer, error.getMessage()));
            }
        }
        return errors;
    }

    private static Optional<Schema> build(SchemaRegistry registry, JsonNode schema, String path,
                                          Set<InvalidField> errors) {
        try {
            Schema compiled = registry.getSchema(schema);
            compiled.initializeValidators();
            return Optional.of(compiled);
        } catch (RuntimeException e) { // SchemaException mostly; any failure to compile is the schema's
            Throwable cause = e.getCause() != null && e.getMessage() != null && e.getMessage().startsWith("java.")
                    ? e.getCause() : e;
            errors.add(new InvalidField(path, firstLine(cause.getMessage())));
            return Optional.empty();
        }
    }

    /** A registry that loads nothing but the JSON Schema meta-schemas shipped with the library. */
    private static SchemaRegistry registry() {
        SchemaRegistryConfig config = SchemaRegistryConfig.builder()
                .pathType(PathType.JSON_POINTER)
                .formatAssertionsEnabled(true)
                .regularExpressionFactory(LinearTimePatterns.INSTANCE)
                .build();
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12, builder -> builder
                .schemaRegistryConfig(config)
                .schemaLoader(SchemaLoader.builder().allow(TrackingPlanCompiler::isMetaSchema).build()));
    }

    private static boolean isMetaSchema(com.networknt.schema.AbsoluteIri iri) {
        String value = iri.toString();
        return value.startsWith("https://json-schema.org/") || value.startsWith("http://json-schema.org/");
    }

    private static CdpException invalid(Set<InvalidField> errors) {
        List<InvalidField> list = List.copyOf(errors);
        return CdpException.badRequest("invalid_tracking_plan", "The tracking plan has " + list.size()
                + " error(s); the first: " + list.getFirst().pointer() + ": " + list.getFirst().message())
                .with("errors", list);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "The schema cannot be compiled.";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
