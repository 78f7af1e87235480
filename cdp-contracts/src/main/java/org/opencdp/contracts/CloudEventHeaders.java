package org.opencdp.contracts;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CloudEvents 1.0 Kafka protocol binding, binary mode: the event attributes travel as {@code ce_*}
 * headers and the record value is the JSON data. Any CloudEvents-aware tool can read the topics.
 */
public final class CloudEventHeaders {

    public static final String SPEC_VERSION = "ce_specversion";
    public static final String ID = "ce_id";
    public static final String TYPE = "ce_type";
    public static final String SOURCE = "ce_source";
    public static final String TIME = "ce_time";
    public static final String SUBJECT = "ce_subject";
    /** Extension attribute carrying the tenant, so tools can filter without parsing the value. */
    public static final String WORKSPACE = "ce_workspaceid";
    public static final String CONTENT_TYPE = "content-type";
    public static final String JSON = "application/json";

    /** The headers of one message, produced by {@code source} (e.g. {@code /opencdp/identity}). */
    public static Map<String, byte[]> of(CdpMessage message, String source) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put(SPEC_VERSION, "1.0");
        values.put(ID, message.id().toString());
        values.put(TYPE, message.type());
        values.put(SOURCE, source);
        values.put(TIME, message.occurredAt().toString());
        values.put(SUBJECT, message.subject());
        values.put(WORKSPACE, message.workspaceId());
        values.put(CONTENT_TYPE, JSON);
        Map<String, byte[]> headers = new LinkedHashMap<>();
        values.forEach((name, value) -> headers.put(name, value.getBytes(StandardCharsets.UTF_8)));
        return headers;
    }

    /** The {@code ce_source} of a service: {@code /opencdp/<service>}. */
    public static String sourceOf(String service) {
        return "/opencdp/" + service;
    }

    private CloudEventHeaders() {
    }
}
