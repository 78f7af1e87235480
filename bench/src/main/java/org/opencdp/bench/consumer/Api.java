package org.opencdp.bench.consumer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.opencdp.contracts.MessageCodec;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/** Calls a service the benchmark runs, on the port it chose, with a bench token. */
final class Api {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Api() {
    }

    static URI base(ConfigurableApplicationContext service) {
        return URI.create("http://localhost:" + service.getEnvironment().getProperty("local.server.port"));
    }

    static JsonNode post(ConfigurableApplicationContext service, String token, String path, Object body) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(base(service).resolve(path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(MessageCodec.mapper().writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("POST " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return MessageCodec.mapper().readTree(response.body());
    }
}
