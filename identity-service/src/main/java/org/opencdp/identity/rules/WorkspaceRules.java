package org.opencdp.identity.rules;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.opencdp.contracts.IdentifierRulesChanged;
import org.opencdp.contracts.WorkspaceIdentifierRules;

/**
 * The identity rules of one workspace ready to apply: the rules, their version, and the part every
 * service shares compiled as the contracts' {@link WorkspaceIdentifierRules} (phone region, blocked
 * values). Identity normalises through that one instance and publishes its content ({@link
 * #changed}), so other services, reading it through the kit's {@code IdentifierRulesView}, turn a
 * written value into the identifier identity would. Immutable and shared between threads.
 */
public final class WorkspaceRules {

    private final IdentityRules rules;
    private final long version;
    private final Instant updatedAt;
    private final WorkspaceIdentifierRules identifierRules;

    WorkspaceRules(IdentityRules rules, long version, Instant updatedAt) {
        this.rules = rules;
        this.version = version;
        this.updatedAt = updatedAt;
        this.identifierRules = new WorkspaceIdentifierRules(rules.defaultRegion(), rules.blockedValues(),
                rules.blockedPatterns());
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

    /** The rules every service applies to identifier values, as identity publishes them. */
    public WorkspaceIdentifierRules identifierRules() {
        return identifierRules;
    }

    /**
     * The value {@code raw} stands for as an identifier of {@code type}: the shared normal form, phone
     * numbers read in the workspace's default region; empty when it is blank, longer than {@code
     * maxLength}, invalid for its type or blocked ({@link WorkspaceIdentifierRules#normalise}).
     */
    public Optional<String> normalise(String type, String raw, int maxLength) {
        return identifierRules.normalise(type, raw, maxLength);
    }

    /** Whether {@code value} is blocked (by default or by the workspace). */
    public boolean isBlocked(String value) {
        return identifierRules.isBlocked(value);
    }

    /**
     * The message that publishes these rules as {@code workspaceId}'s: this version, the time of the
     * change, and the workspace's own blocked values and patterns (the defaults are the contract's).
     */
    IdentifierRulesChanged changed(String workspaceId) {
        return new IdentifierRulesChanged(UUID.randomUUID(), workspaceId, updatedAt, version,
                identifierRules.defaultPhoneRegion(), identifierRules.blockedValues(), identifierRules.blockedPatterns());
    }
}
