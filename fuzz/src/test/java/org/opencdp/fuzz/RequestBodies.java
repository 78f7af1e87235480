package org.opencdp.fuzz;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.util.Optional;
import java.util.Set;
import org.opencdp.kit.problem.InvalidField;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * How a management API's {@code @RequestBody} reaches the service: read by a {@link JsonMapper} like
 * the one Spring Boot builds (Jackson's default read limits: depth 500, numbers of 1,000 digits,
 * strings of 100 MB; unknown properties ignored, as {@code cdp-kit-defaults.properties} sets), then
 * Bean Validation. Spring answers a {@link JacksonException} with the kit's 400 {@code malformed_body}
 * and a constraint violation with 400 {@code validation_failed}: both are documented refusals, so a
 * fuzz test stops there, and any other exception is a finding.
 */
public final class RequestBodies {

    public static final JsonMapper SPRING_MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private static final Validator VALIDATOR = Validation.buildDefaultValidatorFactory().getValidator();

    /** The body as {@code type}, or empty when Spring would answer 400 (malformed, or invalid). */
    public static <T> Optional<T> read(byte[] body, Class<T> type) {
        T value;
        try {
            value = SPRING_MAPPER.readValue(body, type);
        } catch (JacksonException e) {
            return Optional.empty(); // malformed_body
        }
        if (value == null) {
            return Optional.empty(); // a JSON null body: "Required request body is missing", malformed_body
        }
        Set<ConstraintViolation<T>> violations = VALIDATOR.validate(value);
        for (ConstraintViolation<T> violation : violations) {
            // the kit's advice turns each into {pointer, message}: the pointer must be one
            Outcomes.assertPointer(InvalidField.pointerOfPropertyPath(violation.getPropertyPath().toString()), "");
        }
        return violations.isEmpty() ? Optional.of(value) : Optional.empty();
    }

    /** The body as a JSON tree (a {@code JsonNode} request body), or empty when Spring would answer 400 {@code malformed_body}. */
    public static Optional<JsonNode> readTree(byte[] body) {
        try {
            JsonNode tree = SPRING_MAPPER.readTree(body);
            return tree == null || tree.isMissingNode() ? Optional.empty() : Optional.of(tree);
        } catch (JacksonException e) {
            return Optional.empty();
        }
    }

    private RequestBodies() {
    }
}
