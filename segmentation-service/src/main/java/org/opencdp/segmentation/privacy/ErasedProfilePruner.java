package org.opencdp.segmentation.privacy;

import org.opencdp.kit.work.BackgroundLoop;
import org.opencdp.segmentation.SegmentationProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Forgets erased profile ids after {@code cdp.segmentation.privacy.erased-retention}, a batch per
 * statement, every {@code prune-interval}: by then no ProfileChanged of them can still arrive (the
 * retention outlasts the topic's and the dead letters'), and the ids themselves are the last trace
 * of the person.
 */
@Component
class ErasedProfilePruner extends BackgroundLoop {

    static final int BATCH_SIZE = 1_000;
    private static final Logger log = LoggerFactory.getLogger(ErasedProfilePruner.class);

    private final PrivacyRepository privacy;
    private final SegmentationProperties.Privacy settings;

    ErasedProfilePruner(PrivacyRepository privacy, SegmentationProperties properties) {
        super("erased-profile-pruner", properties.privacy().pruneInterval());
        this.privacy = privacy;
        this.settings = properties.privacy();
    }

    @Override
    protected boolean runRound() {
        int pruned = privacy.pruneErased(settings.erasedRetention(), BATCH_SIZE);
        if (pruned > 0) {
            log.info("Forgot {} erased profile id(s) older than {}", pruned, settings.erasedRetention());
        }
        return pruned >= BATCH_SIZE;
    }
}
