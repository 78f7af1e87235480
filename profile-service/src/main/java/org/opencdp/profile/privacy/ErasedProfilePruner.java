package org.opencdp.profile.privacy;

import java.time.Clock;
import org.opencdp.kit.work.BackgroundLoop;
import org.opencdp.profile.config.ProfileProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Deletes the tombstones of erased profiles after {@code cdp.profile.privacy.erased-retention}, a
 * batch per statement, every {@code prune-interval}: by then no event or merge naming them can
 * still arrive (the retention outlasts the topics' and the dead letters'), and the ids themselves
 * are the last trace of the person. Safe on every instance at once.
 */
@Component
class ErasedProfilePruner extends BackgroundLoop {

    static final int BATCH_SIZE = 1_000;
    private static final Logger log = LoggerFactory.getLogger(ErasedProfilePruner.class);

    private final PersonRepository people;
    private final ProfileProperties.Privacy settings;
    private final Clock clock;

    ErasedProfilePruner(PersonRepository people, ProfileProperties properties, Clock clock) {
        super("erased-profile-pruner", properties.privacy().pruneInterval());
        this.people = people;
        this.settings = properties.privacy();
        this.clock = clock;
    }

    @Override
    protected boolean runRound() {
        int pruned = people.pruneErased(clock.instant().minus(settings.erasedRetention()), BATCH_SIZE);
        if (pruned > 0) {
            log.info("Forgot {} erased profile id(s) older than {}", pruned, settings.erasedRetention());
        }
        return pruned >= BATCH_SIZE;
    }
}
