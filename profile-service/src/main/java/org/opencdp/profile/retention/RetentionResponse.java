package org.opencdp.profile.retention;

/**
 * The workspace's event retention.
 *
 * @param retentionDays how many days its events are kept
 * @param source {@code workspace} when it set its own, {@code default} otherwise
 * @param defaultRetentionDays the service's default
 */
record RetentionResponse(int retentionDays, String source, int defaultRetentionDays) {
}
