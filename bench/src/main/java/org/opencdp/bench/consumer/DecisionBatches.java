package org.opencdp.bench.consumer;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.opencdp.contracts.ConsentDecisionRequest;
import org.opencdp.contracts.MessageCodec;

/**
 * The requests of the consent decisions benchmark ({@link ConsentDecisionsBenchmark}), as activation
 * sends them before a delivery: the destination's purposes and a batch of distinct profile ids, no
 * jurisdiction. Of the ids, about 1 in 100 is a merged-away id (decided on its survivor's consent),
 * 1 in 100 one consent-service never saw (denied), the rest preloaded people.
 */
final class DecisionBatches {

    /** The purposes every request asks about: a destination that needs both. */
    static final List<String> PURPOSES = List.of("marketing", "analytics");

    /**
     * One merged-away id per this many people: merged-away id {@code k} (from 1) is
     * {@code md5('bench-merged-' || k)} and redirects to person {@code k * MERGED_EVERY}.
     */
    static final int MERGED_EVERY = 100;

    private DecisionBatches() {
    }

    /** Merged-away id {@code k} (from 1); SQL: {@code md5('bench-merged-' || k)::uuid::text}. */
    static String mergedId(long k) {
        return BenchData.md5Uuid("bench-merged-" + k);
    }

    /** How many merged-away ids the preload writes for {@code profiles} people. */
    static long mergedIds(long profiles) {
        return profiles / MERGED_EVERY;
    }

    /** {@code size} distinct profile ids out of {@code profiles} preloaded people (at least {@value #MERGED_EVERY}). */
    static List<String> draw(SplittableRandom random, long profiles, int size) {
        if (profiles < MERGED_EVERY) {
            throw new IllegalArgumentException("The benchmark needs at least " + MERGED_EVERY + " profiles");
        }
        if (size > ConsentDecisionRequest.MAX_PROFILES) {
            throw new IllegalArgumentException("A request asks about at most " + ConsentDecisionRequest.MAX_PROFILES
                    + " profiles");
        }
        Set<String> ids = new LinkedHashSet<>();
        while (ids.size() < size) {
            int kind = random.nextInt(100);
            if (kind == 0) {
                ids.add(mergedId(1 + random.nextLong(mergedIds(profiles))));
            } else if (kind == 1) {
                ids.add(BenchData.md5Uuid("bench-unknown-" + random.nextLong()));
            } else {
                ids.add(BenchData.profileId(1 + random.nextLong(profiles)));
            }
        }
        return List.copyOf(ids);
    }

    /** The body of {@code POST /v1/consent/decisions} for {@code profileIds}. */
    static String body(List<String> profileIds) {
        return MessageCodec.mapper().writeValueAsString(new ConsentDecisionRequest(PURPOSES, profileIds, null));
    }

    /** How many decisions an answer holds: its {@code "decisionId"} members, counted without parsing. */
    static int decisionsIn(String answer) {
        int count = 0;
        for (int at = answer.indexOf("\"decisionId\""); at >= 0; at = answer.indexOf("\"decisionId\"", at + 1)) {
            count++;
        }
        return count;
    }

    /** {@code "met"} when every request got its decisions and the p99 is under the target, else why not. */
    static String verdict(double p99Millis, double targetMillis, long failures) {
        if (failures > 0) {
            return "not met (" + failures + " requests failed)";
        }
        return p99Millis < targetMillis ? "met" : "not met";
    }
}
