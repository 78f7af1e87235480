package org.opencdp.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON form of every message: ISO-8601 instants, no null fields, unknown fields ignored (so
 * contracts can grow additively), and bounded parsing so one hostile record cannot exhaust a
 * consumer.
 */
public final class MessageCodec {

    private static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(64)
                            .maxStringLength(1_000_000)
                            .maxNumberLength(100)
                            .maxDocumentLength(4_000_000L)
                            .build())
                    .build())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .changeDefaultPropertyInclusion(inclusion -> inclusion
                    .withValueInclusion(JsonInclude.Include.NON_NULL)
                    .withContentInclusion(JsonInclude.Include.ALWAYS))
            .build();

    /** The mapper the contracts are written with; shared, thread-safe, not to be reconfigured. */
    public static JsonMapper mapper() {
        return MAPPER;
    }

    public static byte[] toBytes(CdpMessage message) {
        return MAPPER.writeValueAsBytes(message);
    }

    public static String toJson(CdpMessage message) {
        return MAPPER.writeValueAsString(message);
    }

    /**
     * Reads a message of the given class. Throws {@link MalformedMessageException} (a permanent
     * error: retrying cannot help) when the JSON is invalid or lacks an id or workspace.
     */
    public static <T extends CdpMessage> T read(byte[] json, Class<T> type) {
        T message;
        try {
            message = MAPPER.readValue(json, type);
        } catch (JacksonException e) {
            throw new MalformedMessageException("Invalid " + MessageTypes.typeOf(type) + " JSON: "
                    + e.getOriginalMessage(), e);
        }
        if (message == null || message.id() == null || message.workspaceId() == null
                || message.workspaceId().isBlank()) {
            throw new MalformedMessageException(MessageTypes.typeOf(type) + " without id or workspaceId");
        }
        return message;
    }

    public static <T extends CdpMessage> T read(String json, Class<T> type) {
        return read(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), type);
    }

    private MessageCodec() {
    }
}
