package org.opencdp.activation.delivery;

import org.opencdp.activation.config.ActivationProperties;
import org.opencdp.kit.work.BackgroundLoop;
import org.springframework.stereotype.Component;

/**
 * Completes erase requests whose audience removals settled ({@link PrivacyCommandService#completeSettled}),
 * every {@code cdp.activation.dispatch-interval}, and again at once while there were more.
 */
@Component
class ErasureLoop extends BackgroundLoop {

    static final int PER_ROUND = 20;

    private final PrivacyCommandService privacy;

    ErasureLoop(PrivacyCommandService privacy, ActivationProperties properties) {
        super("activation-erasures", properties.dispatchInterval());
        this.privacy = privacy;
    }

    @Override
    protected boolean runRound() {
        return privacy.completeSettled() >= PER_ROUND;
    }
}
