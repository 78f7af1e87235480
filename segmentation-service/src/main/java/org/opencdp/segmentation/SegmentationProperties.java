package org.opencdp.segmentation;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the segmentation service, under {@code cdp.segmentation.*}.
 *
 * @param build the background build of new and changed segments
 */
@Validated
@ConfigurationProperties("cdp.segmentation")
public record SegmentationProperties(@Valid @DefaultValue Build build) {

    /**
     * @param pollInterval how often the builder looks for segments to build when nothing woke it
     *     ({@code CDP_SEGMENTATION_BUILD_POLL_INTERVAL})
     * @param batchSize profiles evaluated per build transaction ({@code CDP_SEGMENTATION_BUILD_BATCH_SIZE})
     */
    public record Build(@DefaultValue("1s") @NotNull Duration pollInterval,
                        @DefaultValue("500") @Min(1) @Max(10_000) int batchSize) {
    }
}
