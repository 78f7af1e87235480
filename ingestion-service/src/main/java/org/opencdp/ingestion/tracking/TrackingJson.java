package org.opencdp.ingestion.tracking;

import org.opencdp.ingestion.IngestionProperties;
import org.opencdp.kit.problem.CdpException;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads Tracking API bodies with hard limits (nesting depth, string, number and document length),
 * so hostile input is a fast 400 {@code invalid_json} instead of a slow parse or a stack overflow.
 * Decimal numbers are read as {@code BigDecimal}, so they travel on exactly as sent. Not a {@code
 * JsonMapper} bean: Spring MVC keeps its own.
 */
@Component
class TrackingJson {

    static final int MAX_NESTING_DEPTH = 64;
    static final int MAX_NUMBER_LENGTH = 100;

    private final JsonMapper mapper;

    @Autowired
    TrackingJson(IngestionProperties properties) {
        this(properties.maxRequestSize().toBytes());
    }

    TrackingJson(long maxDocumentLength) {
        this.mapper = JsonMapper.builder(JsonFactory.builder()
                        .streamReadConstraints(StreamReadConstraints.builder()
                                .maxNestingDepth(MAX_NESTING_DEPTH)
                                .maxNumberLength(MAX_NUMBER_LENGTH)
                                .maxStringLength((int) Math.min(Integer.MAX_VALUE, maxDocumentLength))
                                .maxNameLength(1_000)
                                .maxDocumentLength(maxDocumentLength)
                                .build())
                        .build())
                .enable(JsonNodeFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }

    /** The body as a JSON object; a 400 problem {@code invalid_json} when it is anything else. */
    ObjectNode readObject(byte[] body) {
        if (body.length == 0) {
            throw invalidJson("The request body is empty; send a JSON object.");
        }
        JsonNode node;
        try {
            node = mapper.readTree(body);
        } catch (StreamConstraintsException e) {
            throw invalidJson("The body exceeds a parser limit: " + e.getOriginalMessage());
        } catch (JacksonException e) {
            throw invalidJson("The body is not valid JSON: " + e.getOriginalMessage());
        }
        if (!(node instanceof ObjectNode object)) {
            throw invalidJson("The body must be a JSON object.");
        }
        return object;
    }

    /** The size of a JSON value as compact UTF-8, e.g. to hold one event of a batch to the event limit. */
    int sizeOf(JsonNode node) {
        return mapper.writeValueAsBytes(node).length;
    }

    private static CdpException invalidJson(String detail) {
        return CdpException.badRequest("invalid_json", detail);
    }
}
