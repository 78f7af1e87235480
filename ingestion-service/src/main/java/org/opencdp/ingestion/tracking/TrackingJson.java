package org.opencdp.ingestion.tracking;

import java.util.Arrays;
import org.opencdp.ingestion.IngestionProperties;
import org.opencdp.kit.problem.CdpException;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads Tracking API bodies with hard limits (nesting depth, string, number and document length),
 * so hostile input is a fast 400 {@code invalid_json} instead of a slow parse or a stack overflow.
 * Decimal numbers are read as {@code BigDecimal}, so they travel on exactly as sent. The service's
 * {@code JsonMapper} builds the trees; only the parser that feeds it is bounded, by {@code
 * cdp.ingestion.max-request-size} among others.
 *
 * <p>The size of an event is that of its compact UTF-8 JSON. A batch body is read noting where each
 * event lies in it ({@link #readBatch}), and since compact JSON is at most {@link #MAX_EXPANSION}
 * times as long as the text it was read from, only an event whose text is long enough to possibly
 * exceed the limit is serialised to be measured ({@link #largerThan}).
 */
@Component
class TrackingJson {

    static final int MAX_NESTING_DEPTH = 64;
    static final int MAX_NUMBER_LENGTH = 100;
    /**
     * How many bytes of compact UTF-8 JSON one byte of the JSON text read can become, at most. Strings
     * and names are never written longer than sent (raw UTF-8 is kept, escapes are as short or
     * shorter); the worst case is a number such as {@code 1e-6}, written {@code 0.000001}: twice as
     * long. 3 leaves a margin.
     */
    static final int MAX_EXPANSION = 3;
    private static final String BATCH = "batch";

    /**
     * A batch body: the request object, and for each element of its {@code batch} array the bytes
     * from that element's first byte in the body to the next element's (or to the closing bracket),
     * an upper bound of its length as sent. {@code itemSpans} is null when {@code batch} is not an
     * array.
     */
    record BatchBody(ObjectNode request, int[] itemSpans) {

        /** The span of element {@code index}, or {@code Integer.MAX_VALUE} when it is not known. */
        int span(int index) {
            return itemSpans == null ? Integer.MAX_VALUE : itemSpans[index];
        }
    }

    private final JsonMapper mapper;
    private final JsonFactory parsers;
    /** Reads one value that must be the whole body. */
    private final ObjectReader wholeBody;
    /** Reads one value of a body the parser goes on reading. */
    private final ObjectReader partOfBody;

    @Autowired
    TrackingJson(JsonMapper mapper, IngestionProperties properties) {
        this(mapper, properties.maxRequestSize().toBytes());
    }

    TrackingJson(JsonMapper mapper, long maxDocumentLength) {
        this.mapper = mapper;
        this.parsers = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .maxNumberLength(MAX_NUMBER_LENGTH)
                        .maxStringLength((int) Math.min(Integer.MAX_VALUE, maxDocumentLength))
                        .maxNameLength(1_000)
                        .maxDocumentLength(maxDocumentLength)
                        .build())
                .build();
        this.partOfBody = mapper.reader()
                .with(JsonNodeFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .without(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
                .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.wholeBody = partOfBody.with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /** The body as a JSON object; a 400 problem {@code invalid_json} when it is anything else. */
    ObjectNode readObject(byte[] body) {
        if (body.length == 0) {
            throw invalidJson("The request body is empty; send a JSON object.");
        }
        JsonNode node;
        try (JsonParser parser = parser(body)) {
            node = wholeBody.readTree(parser);
        } catch (StreamConstraintsException e) {
            throw invalidJson("The body exceeds a parser limit: " + e.getOriginalMessage());
        } catch (JacksonException e) {
            throw invalidJson("The body is not valid JSON: " + e.getOriginalMessage());
        } catch (NumberFormatException e) { // Jackson's BigDecimal reader: an exponent beyond the int range (issue 16)
            throw invalidJson("The body holds a number out of range: " + e.getMessage());
        }
        if (!(node instanceof ObjectNode object)) {
            throw invalidJson("The body must be a JSON object.");
        }
        return object;
    }

    /**
     * The body as a JSON object, like {@link #readObject}, read in one pass that also notes the span
     * of each element of its {@code batch} array. A body that is not one valid JSON object is read
     * again by {@link #readObject}, so it is refused with exactly the error a single call gets.
     */
    BatchBody readBatch(byte[] body) {
        if (body.length > 0) {
            try (JsonParser parser = parser(body)) {
                BatchBody batch = readBatchObject(parser);
                if (batch != null && parser.nextToken() == null) {
                    return batch;
                }
            } catch (JacksonException | NumberFormatException e) {
                // not valid JSON: readObject answers with its error below
            }
        }
        return new BatchBody(readObject(body), null);
    }

    /**
     * Whether a batch element takes more than {@code limit} bytes as compact UTF-8 JSON. It is only
     * serialised when its span in the body is too long to rule that out.
     */
    boolean largerThan(JsonNode item, int span, int limit) {
        return (long) span * MAX_EXPANSION > limit && sizeOf(item) > limit;
    }

    /** The size of a JSON value as compact UTF-8. */
    int sizeOf(JsonNode node) {
        return mapper.writeValueAsBytes(node).length;
    }

    /** The object the parser starts with, as the tree parser builds it; null when it is not an object. */
    private BatchBody readBatchObject(JsonParser parser) {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            return null;
        }
        ObjectNode request = mapper.createObjectNode();
        int[] itemSpans = null;
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = parser.currentName();
            boolean batch = BATCH.equals(name);
            JsonToken value = parser.nextToken();
            if (batch && value == JsonToken.START_ARRAY) {
                itemSpans = readItems(parser, request.putArray(name));
            } else {
                request.set(name, partOfBody.readTree(parser));
                if (batch) {
                    itemSpans = null;
                }
            }
        }
        return new BatchBody(request, itemSpans);
    }

    /** Reads the elements of the array the parser is at into {@code items}; returns their spans. */
    private int[] readItems(JsonParser parser, ArrayNode items) {
        int[] starts = new int[128];
        int count = 0;
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
            if (token == null) {
                throw new IllegalStateException("end of input inside an array"); // Jackson reports that first
            }
            if (count == starts.length - 1) {
                starts = Arrays.copyOf(starts, starts.length * 2);
            }
            starts[count++] = (int) parser.currentTokenLocation().getByteOffset();
            items.add(partOfBody.readTree(parser));
        }
        starts[count] = (int) parser.currentTokenLocation().getByteOffset();
        int[] spans = new int[count];
        for (int i = 0; i < count; i++) {
            spans[i] = starts[i + 1] - starts[i];
        }
        return spans;
    }

    private JsonParser parser(byte[] body) {
        return parsers.createParser(ObjectReadContext.empty(), body);
    }

    private static CdpException invalidJson(String detail) {
        return CdpException.badRequest("invalid_json", detail);
    }
}
