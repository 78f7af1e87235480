package org.opencdp.local;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/** The text {@code ./cdp up} prints once everything is up. */
final class Banner {

    /** What the banner shows. */
    record Facts(Map<PlatformService, URI> urls, Duration startup, String kafkaBootstrapServers, String jdbcUrl,
                 DataDirectory data, DemoWorkspace.Outcome demo, String managementToken, Duration tokenTtl) {
    }

    private Banner() {
    }

    static String render(Facts facts) {
        StringBuilder text = new StringBuilder();
        text.append('\n').append(String.format(Locale.ROOT, "OpenCDP is running: all six services UP %.1f s after "
                + "launch.%n%n", facts.startup().toMillis() / 1000.0));
        for (Map.Entry<PlatformService, URI> entry : facts.urls().entrySet()) {
            URI url = entry.getValue();
            text.append(String.format(Locale.ROOT, "  %-13s %-23s %s/v3/api-docs   %s/actuator/health%n",
                    entry.getKey().shortName(), url, url, url));
        }
        text.append(String.format(Locale.ROOT, "%n  %-13s %s   (data in %s)%n", "Kafka",
                facts.kafkaBootstrapServers(), facts.data().kafka()));
        text.append(String.format(Locale.ROOT, "  %-13s %s   user %s, no password   (data in %s)%n", "PostgreSQL",
                facts.jdbcUrl(), LocalPostgres.USER, facts.data().postgres()));
        text.append(String.format(Locale.ROOT, "  %-13s %s%n", "Logs", facts.data().logFile()));

        URI ingestion = facts.urls().get(PlatformService.INGESTION);
        URI identity = facts.urls().get(PlatformService.IDENTITY);
        text.append('\n');
        switch (facts.demo()) {
            case DemoWorkspace.Outcome.Ready ready -> {
                DemoWorkspace.DemoSource source = ready.source();
                text.append("Demo workspace \"").append(source.workspace()).append("\", source \"")
                        .append(source.sourceName()).append("\" (").append(source.sourceId()).append(')')
                        .append(ready.created() ? ", created now" : ", from " + facts.data().demoFile()).append('\n');
                text.append("  Write key          ").append(source.writeKey()).append('\n');
                appendToken(text, facts);
                text.append("\nSend a first event:\n");
                text.append("  curl -u '").append(source.writeKey()).append(":' -H 'Content-Type: application/json' \\\n")
                        .append("    -d '{\"userId\":\"user-1\",\"event\":\"Signed Up\",\"properties\":{\"plan\":\"pro\"}}' \\\n")
                        .append("    ").append(ingestion).append("/v1/track\n");
            }
            case DemoWorkspace.Outcome.Failed failed -> {
                text.append("Demo workspace \"").append(DemoWorkspace.WORKSPACE)
                        .append("\": its source could not be created (").append(failed.reason()).append(").\n")
                        .append("  Create one yourself with the token below: POST ").append(ingestion)
                        .append("/v1/sources {\"name\": \"").append(DemoWorkspace.SOURCE_NAME).append("\"}\n");
                appendToken(text, facts);
            }
        }
        text.append("\nThen look the person up:\n");
        text.append("  curl -H \"Authorization: Bearer $TOKEN\" ").append(identity)
                .append("/v1/identities/user_id/user-1\n");
        text.append("\n(TOKEN is the management token above; ./cdp token --workspace demo prints another.)\n");
        text.append("Ctrl-C stops everything.\n");
        return text.toString();
    }

    private static void appendToken(StringBuilder text, Facts facts) {
        text.append("  Management token   ").append(facts.managementToken()).append('\n');
        text.append("                     (workspace ").append(DemoWorkspace.WORKSPACE)
                .append(", all scopes, valid ").append(humanize(facts.tokenTtl())).append(")\n");
    }

    private static String humanize(Duration duration) {
        if (duration.toHours() >= 1 && duration.toMinutesPart() == 0 && duration.toSecondsPart() == 0) {
            return duration.toHours() + " h";
        }
        return duration.toMinutes() + " min";
    }
}
