package org.opencdp.bench.platform;

import java.util.ArrayList;
import java.util.List;

/** Turns the sampled people of a step into its latencies: event → profile, event → membership, membership → webhook. */
final class Samples {

    private Samples() {
    }

    static BenchResult.Step withLatencies(BenchResult.Step step, List<LatencyProbe.Sample> samples,
                                          MembershipWatcher memberships, WebhookSink sink) {
        List<LatencyProbe.Sample> ofStep = samples.stream().filter(sample -> sample.phase.equals(step.name())).toList();
        List<Long> profile = new ArrayList<>();
        List<Long> membership = new ArrayList<>();
        List<Long> webhook = new ArrayList<>();
        int noProfile = 0;
        int noMembership = 0;
        int noWebhook = 0;
        for (LatencyProbe.Sample sample : ofStep) {
            if (sample.profileAt == null || sample.profileId == null) {
                noProfile++;
                continue;
            }
            profile.add(sample.profileAt - sample.sentAt);
            Long entered = memberships.enteredAt(sample.profileId);
            if (entered == null) {
                noMembership++;
                continue;
            }
            membership.add(entered - sample.sentAt);
            Long delivered = sink.enteredAt(sample.profileId);
            if (delivered == null) {
                noWebhook++;
            } else {
                webhook.add(delivered - entered);
            }
        }
        var latencies = new BenchResult.Latencies(ofStep.size(), BenchResult.Percentiles.ofMillis(profile),
                BenchResult.Percentiles.ofMillis(membership), BenchResult.Percentiles.ofMillis(webhook), noProfile,
                noMembership, noWebhook);
        return new BenchResult.Step(step.name(), step.offeredRate(), step.seconds(), step.sentEvents(),
                step.acceptedEvents(), step.failedEvents(), step.failures(), step.acceptedPerSecond(),
                step.requestLatency(), step.sendLateness(), step.groups(), step.bounded(), step.verdict(), latencies,
                step.cpu(), step.peakRssBytes(), step.startSecond(), step.endSecond());
    }
}
