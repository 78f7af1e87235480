package org.opencdp.profile.retention;

import java.time.Clock;
import java.util.Map;
import org.opencdp.profile.config.ProfileProperties;
import org.springframework.stereotype.Service;

/** Workspaces' event retention: their own, or the default ({@code cdp.profile.retention.default}). */
@Service
class RetentionSettingsService {

    private final RetentionSettingsRepository settings;
    private final Clock clock;
    private final int defaultDays;

    RetentionSettingsService(RetentionSettingsRepository settings, Clock clock, ProfileProperties properties) {
        this.settings = settings;
        this.clock = clock;
        this.defaultDays = properties.retention().defaultDays();
    }

    RetentionResponse current(String workspaceId) {
        return settings.find(workspaceId).map(days -> new RetentionResponse(days, "workspace", defaultDays))
                .orElseGet(() -> new RetentionResponse(defaultDays, "default", defaultDays));
    }

    /** Sets the workspace's retention, or returns it to the default when {@code days} is null. */
    RetentionResponse set(String workspaceId, Integer days) {
        if (days == null) {
            settings.delete(workspaceId);
        } else {
            settings.put(workspaceId, days, clock.instant());
        }
        return current(workspaceId);
    }

    int defaultDays() {
        return defaultDays;
    }

    Map<String, Integer> workspaceDays() {
        return settings.all();
    }
}
