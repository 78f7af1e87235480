package org.opencdp.ingestion.suppression;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.opencdp.contracts.EventIdentifierFields;
import org.opencdp.contracts.EventRejected.Reason;
import org.opencdp.contracts.IdentifierTypes;
import org.opencdp.contracts.SegmentEvent;
import org.opencdp.contracts.WorkspaceIdentifierRules;
import org.opencdp.ingestion.IngestionProperties;
import org.opencdp.kit.identifiers.IdentifierRulesView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Tells the Tracking API, without a database query, whether an event carries a suppressed
 * identifier: one of the identifiers every service reads in an event ({@link EventIdentifierFields}:
 * {@code userId}, {@code anonymousId}, e-mail, phone, device ids, {@code context.externalIds}) or an
 * alias's {@code previousId}, each read under the workspace's identifier rules as identity reads it
 * ({@link IdentifierRulesView}): a national phone number in the workspace's phone region, blocked
 * values no identifier (issue 14).
 *
 * <p>On the hot path: an event of a workspace without suppressions costs one set lookup; only
 * events of a workspace that has some are normalised (the rules are an in-memory map once the view
 * has read its topic, which {@link #start} sets going) and hashed, field by field, stopping at the
 * first suppressed one.
 *
 * <p>The index holds the first 8 bytes of each suppression's SHA-256 (see {@link
 * SuppressedIdentifier}) in memory: 64-bit keys, so a million suppressions take tens of megabytes,
 * and a false match is as likely as a 64-bit hash collision. It loads every suppression when the
 * service starts (before it takes traffic), and then every {@code
 * cdp.ingestion.suppression-refresh-interval} the ones stored since its previous look (with a
 * minute of overlap, so a slow transaction's rows are not missed): a suppression stored by
 * another instance applies here within that interval; the instance that stored it applies it at
 * once. While the database is unreachable the index keeps serving what it loaded (issue 15): the
 * first failed refresh is a WARN, the gauge {@value #REFRESH_AGE} (seconds since the latest
 * successful refresh) shows how stale it is, and the refresh after the outage catches up.
 */
@Component
public class SuppressionIndex implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SuppressionIndex.class);
    private static final Duration OVERLAP = Duration.ofMinutes(1);
    /** Seconds since the index last loaded new suppressions successfully. */
    public static final String REFRESH_AGE = "cdp.ingestion.suppression.refresh.age";

    private final SuppressionRepository repository;
    private final IdentifierRulesView rules;
    private final Duration refreshInterval;
    private final Set<Long> keys = ConcurrentHashMap.newKeySet();
    private final Set<String> workspaces = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService refresher;
    private Instant loadedUpTo;
    private volatile long refreshedAt = System.nanoTime();
    private boolean refreshFailing;
    private volatile boolean running;

    SuppressionIndex(SuppressionRepository repository, IdentifierRulesView rules, IngestionProperties properties,
                     MeterRegistry meters) {
        this.repository = repository;
        this.rules = rules;
        this.refreshInterval = properties.suppressionRefreshInterval();
        Gauge.builder(REFRESH_AGE, this, index -> (System.nanoTime() - index.refreshedAt) / 1e9).baseUnit("seconds")
                .description("Seconds since the suppression index last loaded new suppressions; grows while "
                        + "PostgreSQL is unreachable").register(meters);
    }

    /** Why an event must be refused, if one of its identifiers is suppressed; never names the identifier. */
    @FunctionalInterface
    public interface Check {
        Optional<Reason> check(SegmentEvent event);
    }

    private static final Check NOTHING_SUPPRESSED = event -> Optional.empty();
    private static final Reason SUPPRESSED = new Reason("suppressed",
            "The person asked not to be tracked (a privacy request); the event was dropped.", "");

    /**
     * The check of one Tracking API call's events in {@code workspaceId}: nothing to do for a
     * workspace without suppressions; otherwise the workspace's identifier rules are read once for the
     * call. Throws the view's transient {@code IdentifierRulesUnavailableException} (a 503 problem)
     * while the workspace has suppressions and its rules cannot be read.
     */
    public Check forCall(String workspaceId) {
        if (!workspaces.contains(workspaceId)) {
            return NOTHING_SUPPRESSED;
        }
        WorkspaceIdentifierRules workspaceRules = rules.rules(workspaceId);
        return event -> suppressed(workspaceRules, workspaceId, event) ? Optional.of(SUPPRESSED) : Optional.empty();
    }

    /**
     * Whether an identifier of the event is suppressed: an alias's {@code previousId} (as a user or an
     * anonymous id), then the fields of {@link WorkspaceIdentifierRules#identifiersOf}, read one by one
     * (without building its sorted list) up to the first suppressed one.
     */
    private boolean suppressed(WorkspaceIdentifierRules workspaceRules, String workspaceId, SegmentEvent event) {
        if (suppressed(workspaceRules, workspaceId, IdentifierTypes.USER_ID, event.previousId())
                || suppressed(workspaceRules, workspaceId, IdentifierTypes.ANONYMOUS_ID, event.previousId())) {
            return true;
        }
        for (EventIdentifierFields.Written written : EventIdentifierFields.of(event)) {
            if (suppressed(workspaceRules, workspaceId, written.type(), written.value())) {
                return true;
            }
        }
        return false;
    }

    /** Adds a suppression just stored in this instance. */
    void add(SuppressedIdentifier identifier) {
        keys.add(identifier.key());
        workspaces.add(identifier.workspaceId());
    }

    /** Loads the suppressions stored since the previous load (all of them the first time). */
    synchronized void refresh() {
        Instant now = repository.now();
        int[] count = {0};
        repository.forEachSince(loadedUpTo == null ? null : loadedUpTo.minus(OVERLAP), stored -> {
            keys.add(SuppressedIdentifier.key(stored.hash()));
            workspaces.add(stored.workspaceId());
            count[0]++;
        });
        if (loadedUpTo == null) {
            log.info("Loaded {} suppressed identifier(s)", count[0]);
        }
        loadedUpTo = now;
        refreshedAt = System.nanoTime();
    }

    private boolean suppressed(WorkspaceIdentifierRules workspaceRules, String workspaceId, String type, String value) {
        return SuppressedIdentifier.normalise(workspaceRules, type, value)
                .filter(identifier -> keys.contains(SuppressedIdentifier.key(workspaceId, identifier)))
                .isPresent();
    }

    @Override
    public void start() {
        refresh();
        refresher = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "cdp-suppression-refresh");
            thread.setDaemon(true);
            return thread;
        });
        // the view reads its topic on first use: start that now (on a thread of its own, which may wait
        // for the broker), so no Tracking API call waits for it
        Thread.ofPlatform().daemon().name("cdp-suppression-rules").start(this::readRulesQuietly);
        long millis = Math.max(100, refreshInterval.toMillis());
        refresher.scheduleWithFixedDelay(this::refreshQuietly, millis, millis, TimeUnit.MILLISECONDS);
        running = true;
    }

    private void readRulesQuietly() {
        try {
            rules.rules("");
        } catch (RuntimeException e) {
            log.warn("The identifier rules could not be read yet; the first check that needs them will wait: {}",
                    e.toString());
        }
    }

    /** Runs on the refresher's single thread: a failure is logged once until a refresh works again. */
    private void refreshQuietly() {
        try {
            refresh();
            if (refreshFailing) {
                refreshFailing = false;
                log.info("Loading new suppressions works again");
            }
        } catch (RuntimeException e) {
            if (!refreshFailing) {
                refreshFailing = true;
                log.warn("Could not load new suppressions; the index keeps serving the ones it holds and tries "
                        + "again every {}: {}", refreshInterval, e.toString());
            } else {
                log.debug("Could not load new suppressions yet: {}", e.toString());
            }
        }
    }

    @Override
    public void stop() {
        running = false;
        if (refresher != null) {
            refresher.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Starts before the web server takes traffic. */
    @Override
    public int getPhase() {
        return Integer.MIN_VALUE + 1000;
    }
}
