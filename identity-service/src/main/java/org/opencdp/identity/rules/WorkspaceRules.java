package org.opencdp.identity.rules;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.opencdp.contracts.IdentifierValues;

/**
 * The identity rules of one workspace ready to apply: the rules, their version, and the blocked
 * values compiled. Immutable and shared between threads.
 */
public final class WorkspaceRules {

    private final IdentityRules rules;
    private final long version;
    private final Instant updatedAt;
    private final BlockedValues blocked;

    WorkspaceRules(IdentityRules rules, long version, Instant updatedAt) {
        this.rules = rules;
        this.version = version;
        this.updatedAt = updatedAt;
        this.blocked = new BlockedValues(rules.blockedValues(), rules.blockedPatterns());
    }

    /** The defaults, as for a workspace that never set rules (version 0). */
    public static WorkspaceRules defaults() {
        return new WorkspaceRules(IdentityRules.defaults(), 0, null);
    }

    /** Rules as given, for tests and tools that build them in memory. */
    public static WorkspaceRules of(IdentityRules rules, long version) {
        return new WorkspaceRules(rules, version, null);
    }

    public IdentityRules rules() {
        return rules;
    }

    /** Incremented by every change of the workspace's rules; 0 for the defaults. */
    public long version() {
        return version;
    }

    /** When the rules were last changed; {@code null} for the defaults. */
    public Instant updatedAt() {
        return updatedAt;
    }

    public IdentifierRule ruleFor(String type) {
        return rules.ruleFor(type);
    }

    public Caps caps() {
        return rules.caps();
    }

    public List<CustomIdentifier> customIdentifiers() {
        return rules.customIdentifiers();
    }

    /**
     * The value {@code raw} stands for as an identifier of {@code type}: the shared normal form
     * ({@link IdentifierValues#normalise}, phone numbers read in the workspace's default region);
     * empty when it is blank, longer than {@code maxLength}, invalid for its type or blocked.
     */
    public Optional<String> normalise(String type, String raw, int maxLength) {
        return IdentifierValues.normalise(type, raw, rules.defaultRegion(), maxLength).filter(v -> !blocked.isBlocked(v));
    }

    /** Whether {@code value} is blocked (by default or by the workspace). */
    public boolean isBlocked(String value) {
        return blocked.isBlocked(value);
    }
}
