package org.opencdp.identity.rules;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.opencdp.contracts.IdentifierRulesChanged;
import org.opencdp.identity.IdentityProperties;
import org.opencdp.kit.outbox.Outbox;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The identity rules of each workspace. Resolution reads them for every event, so they are cached
 * for {@code cdp.identity.rules-cache-ttl}: a change applies at once on the instance that took it
 * and within that time on the others. Rules apply to events resolved after the change; the graph
 * already built stays as it is.
 *
 * <p>Every change is published as an {@link IdentifierRulesChanged} through the outbox in the
 * transaction that stores it: other services normalise identifiers by the published rules, so a
 * stored change that was not published would make them disagree with identity.
 */
@Service
public class IdentityRulesService {

    private final IdentityRulesRepository repository;
    private final Outbox outbox;
    private final TransactionTemplate transactions;
    private final long ttlNanos;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    IdentityRulesService(IdentityRulesRepository repository, Outbox outbox, TransactionTemplate transactions,
                         IdentityProperties properties) {
        this.repository = repository;
        this.outbox = outbox;
        this.transactions = transactions;
        this.ttlNanos = properties.rulesCacheTtl().toNanos();
    }

    /** The rules in force for {@code workspaceId}: its own, or the defaults. */
    public WorkspaceRules rulesFor(String workspaceId) {
        long now = System.nanoTime();
        Cached cached = cache.get(workspaceId);
        if (cached != null && now - cached.loadedAt() < ttlNanos) {
            return cached.rules();
        }
        WorkspaceRules rules = repository.find(workspaceId).orElseGet(WorkspaceRules::defaults);
        cache.put(workspaceId, new Cached(rules, now));
        return rules;
    }

    IdentityRulesResponse get(String workspaceId) {
        return IdentityRulesResponse.of(rulesFor(workspaceId));
    }

    IdentityRulesResponse replace(String workspaceId, IdentityRulesRequest request) {
        IdentityRules rules = IdentityRulesValidator.validate(request);
        WorkspaceRules saved = transactions.execute(status -> {
            WorkspaceRules stored = repository.save(workspaceId, rules);
            outbox.append(stored.changed(workspaceId));
            return stored;
        });
        cache.put(workspaceId, new Cached(saved, System.nanoTime()));
        return IdentityRulesResponse.of(saved);
    }

    private record Cached(WorkspaceRules rules, long loadedAt) {
    }
}
