package org.opencdp.profile.computed;

import org.opencdp.profile.config.ProfileProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

/** Runs the backfill and decay workers on their intervals ({@code cdp.profile.computed-traits.*}). */
@Configuration(proxyBeanMethods = false)
class ComputedTraitSchedule implements SchedulingConfigurer {

    private final BackfillWorker backfill;
    private final DecayWorker decay;
    private final ProfileProperties.ComputedTraits settings;

    ComputedTraitSchedule(BackfillWorker backfill, DecayWorker decay, ProfileProperties properties) {
        this.backfill = backfill;
        this.decay = decay;
        this.settings = properties.computedTraits();
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addFixedDelayTask(backfill::runUntilIdle, settings.backfillInterval());
        registrar.addFixedDelayTask(decay::runUntilIdle, settings.decayInterval());
    }
}
