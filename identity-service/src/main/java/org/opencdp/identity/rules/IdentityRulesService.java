package org.opencdp.identity.rules;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.opencdp.identity.IdentityProperties;
import org.springframework.stereotype.Service;

/**
 * The identity rules of each workspace. Resolution reads them for every event, so they are cached
 * for {@code cdp.identity.rules-cache-ttl}: a change applies at once on the instance that took it
 * and within that time on the others. Rules apply to events resolved after the change; the graph
 * already built stays as it is.
 */
@Service
public class IdentityRulesService {

    private final IdentityRulesRepository repository;
    private final long ttlNanos;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    IdentityRulesService(IdentityRulesRepository repository, IdentityProperties properties) {
        this.repository = repository;
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
        WorkspaceRules saved = repository.save(workspaceId, rules);
        cache.put(workspaceId, new Cached(saved, System.nanoTime()));
        return IdentityRulesResponse.of(saved);
    }

    private record Cached(WorkspaceRules rules, long loadedAt) {
    }
}
