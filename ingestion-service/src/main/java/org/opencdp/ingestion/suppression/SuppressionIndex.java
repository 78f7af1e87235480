package org.opencdp.ingestion.suppression;

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
import org.opencdp.ingestion.IngestionProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Tells the Tracking API, without a database query, whether an event carries a suppressed
 * identifier: one of the identifiers every service reads in an event ({@link EventIdentifierFields}:
 * {@code userId}, {@code anonymousId}, e-mail, phone, device ids, {@code context.externalIds}) or an
 * alias's {@code previousId}, each in the shared normal form.
 *
 * <p>The index holds the first 8 bytes of each suppression's SHA-256 (see {@link
 * SuppressedIdentifier}) in memory: 64-bit keys, so a million suppressions take tens of megabytes,
 * and a false match is as likely as a 64-bit hash collision. It loads every suppression when the
 * service starts (before it takes traffic), and then every {@code
 * cdp.ingestion.suppression-refresh-interval} the ones stored since its previous look (with a
 * minute of overlap, so a slow transaction's rows are not missed): a suppression stored by
 * another instance applies here within that interval; the instance that stored it applies it at
 * once.
 */
@Component
public class SuppressionIndex implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SuppressionIndex.class);
    private static final Duration OVERLAP = Duration.ofMinutes(1);

    private final SuppressionRepository repository;
    private final Duration refreshInterval;
    private final Set<Long> keys = ConcurrentHashMap.newKeySet();
    private final Set<String> workspaces = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService refresher;
    private Instant loadedUpTo;
    private volatile boolean running;

    SuppressionIndex(SuppressionRepository repository, IngestionProperties properties) {
        this.repository = repository;
        this.refreshInterval = properties.suppressionRefreshInterval();
    }

    /** Why the event must be refused, if one of its identifiers is suppressed; never names the identifier. */
    public Optional<Reason> check(String workspaceId, SegmentEvent event) {
        if (!workspaces.contains(workspaceId)) {
            return Optional.empty();
        }
        boolean suppressed = suppressed(workspaceId, IdentifierTypes.USER_ID, event.previousId())
                || suppressed(workspaceId, IdentifierTypes.ANONYMOUS_ID, event.previousId())
                || EventIdentifierFields.of(event).stream()
                        .anyMatch(written -> suppressed(workspaceId, written.type(), written.value()));
        if (suppressed) {
            return Optional.of(new Reason("suppressed", "The person asked not to be tracked (a privacy request); "
                    + "the event was dropped.", ""));
        }
        return Optional.empty();
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
    }

    private boolean suppressed(String workspaceId, String type, String value) {
        return SuppressedIdentifier.normalise(type, value)
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
        long millis = Math.max(100, refreshInterval.toMillis());
        refresher.scheduleWithFixedDelay(this::refreshQuietly, millis, millis, TimeUnit.MILLISECONDS);
        running = true;
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            log.warn("Could not load new suppressions; will try again: {}", e.toString());
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
