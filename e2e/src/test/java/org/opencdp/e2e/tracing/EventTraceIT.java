package org.opencdp.e2e.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opencdp.e2e.platform.RecordedSpan;
import org.opencdp.e2e.platform.RecordedSpan.Kind;
import org.opencdp.e2e.platform.SharedPlatform;
import org.opencdp.e2e.platform.TestWorkspace;
import org.opencdp.e2e.platform.WebhookReceiver.Received;

/**
 * Issue 17: one trace shows an event's whole path. An identify call that puts a consenting person in a
 * segment is followed, as the services export it over OTLP, from the Tracking API request through
 * identity, profile, segmentation and activation to the webhook call, whose request carries the trace on.
 */
@ExtendWith(SharedPlatform.class)
class EventTraceIT {

    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @Test
    void shouldFollowOneEventFromTheTrackingApiToTheWebhookCallInOneTrace() {
        TestWorkspace workspace = TestWorkspace.create();
        String userId = "traced-" + workspace.id;
        workspace.identify(null, userId, Map.of("plan", "free"));
        String profileId = workspace.awaitProfileOf("user_id", userId);
        workspace.grantMarketing(profileId);

        workspace.identify(null, userId, Map.of("plan", "pro"));

        Received entered = await().atMost(PATIENCE).until(() -> SharedPlatform.webhook().receivedFor(profileId).stream()
                .filter(received -> received.kind().equals("segment_entered")).findFirst().orElse(null),
                found -> found != null);
        assertThat(entered.traceparent()).as("the webhook request's traceparent").matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
        String traceId = entered.traceparent().substring(3, 35);

        // the webhook's parent span (activation's client span) is exported with the rest of the trace
        String webhookParent = entered.traceparent().substring(36, 52);
        List<RecordedSpan> trace = await().atMost(PATIENCE).until(() -> SharedPlatform.traces().trace(traceId),
                spans -> spans.stream().anyMatch(span -> span.spanId().equals(webhookParent)));

        Set<String> services = trace.stream().map(RecordedSpan::service).collect(Collectors.toSet());
        assertThat(services).as("services in trace %s: %s", traceId, trace).contains("ingestion-service",
                "identity-service", "profile-service", "segmentation-service", "activation-service");
        RecordedSpan root = only(trace, RecordedSpan::isRoot);
        assertThat(root.service()).isEqualTo("ingestion-service");
        assertThat(root.kind()).isEqualTo(Kind.SERVER);
        assertThat(root.name()).contains("/v1/identify");
        // one tree: every other span's parent is in the trace
        Set<String> ids = trace.stream().map(RecordedSpan::spanId).collect(Collectors.toSet());
        assertThat(trace).filteredOn(span -> !span.isRoot()).allSatisfy(span ->
                assertThat(ids).as("parent of %s", span).contains(span.parentSpanId()));
        for (String service : List.of("identity-service", "profile-service", "segmentation-service",
                "activation-service")) {
            assertThat(trace).as("%s's consumer batch in %s", service, trace)
                    .anyMatch(span -> span.service().equals(service) && span.kind() == Kind.CONSUMER);
        }
        RecordedSpan call = only(trace, span -> span.spanId().equals(webhookParent));
        assertThat(call.service()).isEqualTo("activation-service");
        assertThat(call.kind()).isEqualTo(Kind.CLIENT);
        assertThat(call.name()).isEqualTo("HTTP POST");
        RecordedSpan deliver = only(trace, span -> span.spanId().equals(call.parentSpanId()));
        assertThat(deliver.name()).isEqualTo("deliver webhook");
    }

    private static RecordedSpan only(List<RecordedSpan> trace, java.util.function.Predicate<RecordedSpan> which) {
        List<RecordedSpan> found = trace.stream().filter(which).toList();
        assertThat(found).as("in %s", trace).hasSize(1);
        return found.getFirst();
    }
}
