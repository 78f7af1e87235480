package org.opencdp.profile.retention;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * {@code PUT /v1/settings/retention}: how many days the workspace's events are kept; null goes back
 * to the default.
 */
record RetentionRequest(@Min(1) @Max(36500) Integer retentionDays) {
}
