package org.opencdp.segmentation;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the segmentation service, under {@code cdp.segmentation.*}.
 *
 * @param build the background build of new and changed segments
 * @param privacy privacy commands (issue 12)
 * @param metrics the service's own metrics (issue 17)
 * @param profile profile-service, which keeps the hidden computed traits of {@code event} nodes (issue 11)
 */
@Validated
@ConfigurationProperties("cdp.segmentation")
public record SegmentationProperties(@Valid @DefaultValue Build build, @Valid @DefaultValue Privacy privacy,
                                     @Valid @DefaultValue Metrics metrics, @Valid @DefaultValue Profile profile) {

    /**
     * @param pollInterval how often the builder looks for segments to build when nothing woke it
     *     ({@code CDP_SEGMENTATION_BUILD_POLL_INTERVAL})
     * @param batchSize profiles evaluated per build transaction ({@code CDP_SEGMENTATION_BUILD_BATCH_SIZE})
     */
    public record Build(@DefaultValue("1s") @NotNull Duration pollInterval,
                        @DefaultValue("500") @Min(1) @Max(10_000) int batchSize) {
    }

    /**
     * @param exportMaxBytes the most JSON an export may hold ({@code CDP_SEGMENTATION_PRIVACY_EXPORT_MAX_BYTES}):
     *     the acknowledgement carrying it must stay a Kafka record (1 MB by default), with room for
     *     its other members and headers
     * @param erasedRetention how long an erased profile id is remembered, so that a late or replayed
     *     ProfileChanged of it changes nothing ({@code CDP_SEGMENTATION_PRIVACY_ERASED_RETENTION}); it
     *     must outlast every way an old message can still arrive: the profile changes topic's
     *     retention (Kafka's default 7 days) and a dead-letter replay (kept 30 days)
     * @param pruneInterval how often expired erased ids are deleted ({@code CDP_SEGMENTATION_PRIVACY_PRUNE_INTERVAL})
     */
    public record Privacy(@DefaultValue("800000") @Min(10_000) @Max(900_000) int exportMaxBytes,
                          @DefaultValue("45d") @NotNull Duration erasedRetention,
                          @DefaultValue("1h") @NotNull Duration pruneInterval) {
    }

    /**
     * @param sizesInterval how often segment counts and current memberships are counted for the
     *     {@code cdp_segmentation_segments} and {@code cdp_segmentation_members} gauges ({@code
     *     CDP_SEGMENTATION_METRICS_SIZES_INTERVAL}); a count over every membership is not free, so it
     *     is not run on each scrape
     */
    public record Metrics(@DefaultValue("30s") @NotNull Duration sizesInterval) {
    }

    /**
     * @param url base URL of profile-service ({@code CDP_SEGMENTATION_PROFILE_URL})
     * @param timeout connect and answer timeout of each call ({@code CDP_SEGMENTATION_PROFILE_TIMEOUT})
     */
    public record Profile(@DefaultValue("http://localhost:8083") @NotNull URI url,
                          @DefaultValue("5s") @NotNull Duration timeout) {
    }
}
