package org.opencdp.segmentation.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.opencdp.kit.work.BackgroundLoop;
import org.opencdp.segmentation.SegmentationProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Segment sizes without a label per segment (their number is unbounded), measured every {@code
 * cdp.segmentation.metrics.sizes-interval} rather than on each scrape:
 * <ul>
 *   <li>{@code cdp_segmentation_segments{status=building|ready}}: segments of every workspace, by status;</li>
 *   <li>{@code cdp_segmentation_members}: current memberships of every segment (an index-only count on
 *       the {@code memberships_members} partial index).</li>
 * </ul>
 * Per-segment sizes are the API's ({@code GET /v1/segments/{id}/members}). A failed measurement (the
 * database away) keeps the last values and is tried again next round.
 */
@Component
class SegmentSizes extends BackgroundLoop {

    /** The statuses the schema allows (its CHECK constraint). */
    static final List<String> STATUSES = List.of("building", "ready");

    private static final Logger log = LoggerFactory.getLogger(SegmentSizes.class);

    private final JdbcTemplate jdbc;
    private final AtomicReference<Sizes> sizes = new AtomicReference<>(new Sizes(Map.of(), 0));
    private volatile boolean failing;

    SegmentSizes(JdbcTemplate jdbc, MeterRegistry meters, SegmentationProperties properties) {
        super("segment-sizes", properties.metrics().sizesInterval());
        this.jdbc = jdbc;
        for (String status : STATUSES) {
            Gauge.builder("cdp.segmentation.segments", sizes, s -> s.get().segments().getOrDefault(status, 0L))
                    .tag("status", status).description("Segments of every workspace, by status").register(meters);
        }
        Gauge.builder("cdp.segmentation.members", sizes, s -> s.get().members())
                .description("Current memberships of every segment").register(meters);
    }

    @Override
    protected boolean runRound() {
        refresh();
        return false;
    }

    /** Measures once. */
    void refresh() {
        try {
            Map<String, Long> segments = new HashMap<>();
            jdbc.query("SELECT status, count(*) FROM segments GROUP BY status",
                    rs -> {
                        segments.put(rs.getString(1), rs.getLong(2));
                    });
            Long members = jdbc.queryForObject("SELECT count(*) FROM memberships WHERE member", Long.class);
            sizes.set(new Sizes(Map.copyOf(segments), members == null ? 0 : members));
            failing = false;
        } catch (RuntimeException e) {
            if (!failing) {
                log.warn("Cannot measure segment sizes, keeping the last values: {}", e.toString());
            }
            failing = true;
        }
    }

    private record Sizes(Map<String, Long> segments, long members) {
    }
}
