package org.opencdp.ingestion;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.opencdp.testsupport.ApiClient;
import tools.jackson.databind.JsonNode;

/** What ingestion's integration tests share on top of the shared {@link ApiClient}: sources, problems, headers. */
public final class IngestionTests {

    /** A source created through the API: its id and its write key, shown only at creation. */
    public record TestSource(String id, String writeKey) {

        public static TestSource create(ApiClient api, String token, String name) {
            JsonNode created = createSource(api, token, name);
            return new TestSource(created.path("id").asString(), created.path("writeKey").asString());
        }

        /** Whether a record of the events or rejected-events topic came from this source. */
        public boolean published(ConsumerRecord<String, String> record) {
            return record.value().contains("\"sourceId\":\"" + id + "\"");
        }
    }

    /** Creates a source and returns the answer (with its one-time write key). */
    public static JsonNode createSource(ApiClient api, String token, String name) {
        return ApiClient.body(api.post("/v1/sources", token, Map.of("name", name)), 201);
    }

    /** {@link ApiClient#assertProblem}, and the problem has a title and a detail for humans. */
    public static JsonNode assertProblem(HttpResponse<String> response, int status, String code) {
        JsonNode problem = ApiClient.assertProblem(response, status, code);
        assertThat(problem.path("title").asString()).isNotBlank();
        assertThat(problem.path("detail").asString()).isNotBlank();
        return problem;
    }

    /** The value of the record's header {@code name} as text, or null. */
    public static String header(ConsumerRecord<String, String> record, String name) {
        return StreamSupport.stream(record.headers().headers(name).spliterator(), false).findFirst()
                .map(h -> new String(h.value(), StandardCharsets.UTF_8)).orElse(null);
    }

    private IngestionTests() {
    }
}
