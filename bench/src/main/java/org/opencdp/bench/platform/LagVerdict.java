package org.opencdp.bench.platform;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Whether every consumer group kept up with one step of the open-loop rate. A group keeps up when
 * its lag (records on its topics not yet committed) <em>does not keep growing</em> over the step
 * and <em>drains</em> soon after the load stops:
 * <ul>
 *   <li><b>growing</b>: the least-squares slope of the lag over the second half of the step (the
 *       first half holds the warm-up of the new rate) is above {@code growthTolerance} of the offered
 *       rate (at least {@code minGrowthPerSecond}), and the lag at the end of the step is more than
 *       {@code backlogSeconds} of traffic. Batching makes the lag of a healthy consumer saw up and
 *       down by a poll's worth of records; a consumer too slow by a tenth leaves several seconds of
 *       traffic behind after a 30 s step.
 *   <li><b>drained</b>: after the step, its lag fell to at most {@code settledLag} within {@code drainLimit}.
 * </ul>
 * A group is bounded when it is not growing and drained; the step is bounded when every group is.
 */
final class LagVerdict {

    /** The thresholds; {@link #defaults} are the bench's. */
    record Settings(double growthTolerance, double minGrowthPerSecond, double backlogSeconds, long settledLag,
                    Duration drainLimit) {

        static Settings defaults(Duration drainLimit) {
            return new Settings(0.05, 20, 2, 100, drainLimit);
        }
    }

    /** One sample of a group's lag, {@code seconds} after the start of the step (or after its end, while draining). */
    record LagPoint(double seconds, long lag) {
    }

    /**
     * @param slopePerSecond the lag's growth over the second half of the step, records per second
     * @param drainSeconds seconds after the step until the lag settled, or null when it did not within what was watched
     */
    record GroupVerdict(String group, boolean bounded, double slopePerSecond, long endLag, long maxLag,
                        Double drainSeconds, String reason) {
    }

    record Verdict(boolean bounded, List<GroupVerdict> groups) {

        /** Why the step is not bounded ({@code ""} when it is). */
        String reason() {
            return String.join("; ", groups.stream().filter(group -> !group.bounded())
                    .map(group -> group.group() + ": " + group.reason()).toList());
        }
    }

    private LagVerdict() {
    }

    /**
     * @param offeredRate the step's rate, events per second
     * @param during each group's lag samples during the step, in time order
     * @param after each group's lag samples after the step, in time order
     */
    static Verdict judge(double offeredRate, Map<String, List<LagPoint>> during, Map<String, List<LagPoint>> after,
                         Settings settings) {
        List<GroupVerdict> groups = new ArrayList<>();
        if (during.isEmpty()) {
            // nothing measured is not "bounded": the broker could not be asked, or no group consumes yet
            return new Verdict(false, List.of(new GroupVerdict("(no consumer group)", false, 0, 0, 0, null,
                    "no consumer group's lag was sampled during the step")));
        }
        for (Map.Entry<String, List<LagPoint>> entry : during.entrySet()) {
            groups.add(judgeGroup(entry.getKey(), offeredRate, entry.getValue(),
                    after.getOrDefault(entry.getKey(), List.of()), settings));
        }
        return new Verdict(groups.stream().allMatch(GroupVerdict::bounded), List.copyOf(groups));
    }

    static GroupVerdict judgeGroup(String group, double offeredRate, List<LagPoint> during, List<LagPoint> after,
                                   Settings settings) {
        if (during.isEmpty()) {
            return new GroupVerdict(group, false, 0, 0, 0, null, "no lag samples during the step");
        }
        double stepEnd = during.getLast().seconds();
        double half = during.getFirst().seconds() + (stepEnd - during.getFirst().seconds()) / 2;
        double slope = slope(during.stream().filter(point -> point.seconds() >= half).toList());
        long endLag = during.getLast().lag();
        long maxLag = during.stream().mapToLong(LagPoint::lag).max().orElse(0);
        double tolerance = Math.max(settings.minGrowthPerSecond(), settings.growthTolerance() * offeredRate);
        boolean growing = slope > tolerance && endLag > Math.max(settings.settledLag(), settings.backlogSeconds() * offeredRate);
        Double drained = endLag <= settings.settledLag() ? Double.valueOf(0) : after.stream()
                .filter(point -> point.lag() <= settings.settledLag()).map(LagPoint::seconds).findFirst().orElse(null);
        boolean drainedInTime = drained != null && drained <= settings.drainLimit().toMillis() / 1000.0;
        List<String> reasons = new ArrayList<>();
        if (growing) {
            reasons.add(String.format(java.util.Locale.ROOT, "lag grew by %.0f records/s over the second half of the "
                    + "step (tolerance %.0f/s) to %,d", slope, tolerance, endLag));
        }
        if (!drainedInTime) {
            reasons.add(drained == null
                    ? String.format(java.util.Locale.ROOT, "lag %,d did not drain to %,d while watched (%.0f s)",
                    after.isEmpty() ? endLag : after.getLast().lag(), settings.settledLag(),
                    after.isEmpty() ? 0 : after.getLast().seconds())
                    : String.format(java.util.Locale.ROOT, "lag drained only %.1f s after the step (limit %d s)",
                    drained, settings.drainLimit().toSeconds()));
        }
        return new GroupVerdict(group, reasons.isEmpty(), slope, endLag, maxLag, drained, String.join(", ", reasons));
    }

    /** The least-squares slope of lag over time; 0 for fewer than two points. */
    static double slope(List<LagPoint> points) {
        if (points.size() < 2) {
            return 0;
        }
        double meanT = points.stream().mapToDouble(LagPoint::seconds).average().orElse(0);
        double meanLag = points.stream().mapToDouble(LagPoint::lag).average().orElse(0);
        double covariance = 0;
        double variance = 0;
        for (LagPoint point : points) {
            covariance += (point.seconds() - meanT) * (point.lag() - meanLag);
            variance += (point.seconds() - meanT) * (point.seconds() - meanT);
        }
        return variance == 0 ? 0 : covariance / variance;
    }
}
