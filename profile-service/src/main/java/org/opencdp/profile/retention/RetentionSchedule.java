package org.opencdp.profile.retention;

import org.opencdp.profile.config.ProfileProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

/** Runs {@link PartitionMaintenance} on {@code cdp.profile.retention.maintenance-interval} unless disabled. */
@Configuration(proxyBeanMethods = false)
class RetentionSchedule implements SchedulingConfigurer {

    private final PartitionMaintenance maintenance;
    private final ProfileProperties.Retention settings;

    RetentionSchedule(PartitionMaintenance maintenance, ProfileProperties properties) {
        this.maintenance = maintenance;
        this.settings = properties.retention();
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        if (settings.maintenanceEnabled()) {
            registrar.addFixedDelayTask(new FixedDelayTask(maintenance::run, settings.maintenanceInterval(),
                    settings.maintenanceInitialDelay()));
        }
    }
}
