package org.opencdp.profile.retention;

import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one maintenance run does to the event store at {@code now}, given the default retention, the
 * workspaces' own retentions and the monthly partitions that exist. Pure: no I/O, no clock.
 *
 * <ul>
 *   <li>The <em>horizon</em> is {@code now} minus the longest retention of any workspace: every
 *       event before it is expired for everyone.
 *   <li>Monthly partitions (UTC months, {@code events_pYYYYMM}) exist from the horizon's month to
 *       {@code partitionsAhead} months after the current one; a partition whose whole month lies
 *       before the horizon is dropped. So a workspace with the longest retention keeps events for
 *       at least its retention and at most one month more.
 *   <li>A workspace whose retention is shorter than the longest has its older events deleted row by
 *       row ({@code shorter}), since a partition holds every workspace's events of its month.
 * </ul>
 *
 * @param create months whose partition must be created, oldest first
 * @param drop months whose partition must be dropped, oldest first
 * @param shorter cutoffs of workspaces with their own retention shorter than the longest
 * @param defaultCutoff when the default retention is shorter than the longest, its cutoff (for the
 *     workspaces without their own retention)
 */
record RetentionPlan(Instant horizon, List<YearMonth> create, List<YearMonth> drop, Map<String, Instant> shorter,
                     Optional<Instant> defaultCutoff) {

    static final String PREFIX = "events_p";
    private static final Pattern NAME = Pattern.compile(PREFIX + "(\\d{4})(\\d{2})");
    private static final DateTimeFormatter SUFFIX = DateTimeFormatter.ofPattern("uuuuMM");

    static RetentionPlan of(Instant now, int defaultDays, Map<String, Integer> workspaceDays,
                            Set<YearMonth> existing, int partitionsAhead) {
        int longest = Math.max(defaultDays, workspaceDays.values().stream().mapToInt(Integer::intValue).max().orElse(0));
        Instant horizon = now.minus(Duration.ofDays(longest));
        YearMonth first = monthOf(horizon);
        YearMonth last = monthOf(now).plusMonths(partitionsAhead);
        List<YearMonth> create = new ArrayList<>();
        for (YearMonth month = first; !month.isAfter(last); month = month.plusMonths(1)) {
            if (!existing.contains(month)) {
                create.add(month);
            }
        }
        List<YearMonth> drop = existing.stream().filter(month -> !end(month).isAfter(horizon)).sorted().toList();
        Map<String, Instant> shorter = new TreeMap<>();
        workspaceDays.forEach((workspace, days) -> {
            if (days < longest) {
                shorter.put(workspace, now.minus(Duration.ofDays(days)));
            }
        });
        Optional<Instant> defaultCutoff = defaultDays < longest
                ? Optional.of(now.minus(Duration.ofDays(defaultDays))) : Optional.empty();
        return new RetentionPlan(horizon, create, drop, shorter, defaultCutoff);
    }

    static YearMonth monthOf(Instant instant) {
        return YearMonth.from(instant.atZone(ZoneOffset.UTC));
    }

    static Instant start(YearMonth month) {
        return month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    static Instant end(YearMonth month) {
        return start(month.plusMonths(1));
    }

    static String partitionName(YearMonth month) {
        return PREFIX + month.format(SUFFIX);
    }

    /** The months of the monthly partitions among these table names (others are left alone). */
    static Set<YearMonth> months(Collection<String> partitionNames) {
        Set<YearMonth> months = new java.util.TreeSet<>();
        for (String name : partitionNames) {
            Matcher matcher = NAME.matcher(name);
            if (matcher.matches()) {
                months.add(YearMonth.of(Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2))));
            }
        }
        return months;
    }
}
