package org.opencdp.activation.identifiers;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.opencdp.contracts.ProfilesMerged;
import org.opencdp.kit.kafka.PermanentMessageException;
import org.springframework.stereotype.Service;

/**
 * Applies chunks of {@link ProfilesMerged} (issue 13) inside the kit consumer's transaction: the
 * merged-away profiles' identifiers move to the survivor, and each merged-away id redirects to it,
 * so identifiers written for it later are read as the survivor's. Set-wise, whatever the chunk's
 * size: a lock per workspace of the chunk (merges of one workspace are applied one chunk at a time,
 * so chains of merges on different partitions never interleave), one read of the redirects the
 * chunk's ids already have, and three writes ({@link IdentifierRepository#redirect}).
 *
 * <p>The chunk is folded in memory in consumed order first: ids are followed to where they
 * redirect (stored, or earlier in the chunk), so chains ({@code a→b}, then {@code b→c}) and merges
 * applied again land every id on its final survivor, and a merge already applied changes nothing.
 */
@Service
class MergeService {

    static final String CONSUMER = "activation-merges";
    static final int MAX_ID_LENGTH = 255;
    static final int MAX_MERGED = 1_000;

    private final IdentifierRepository repository;
    private final List<MergeFollower> followers;

    MergeService(IdentifierRepository repository, List<MergeFollower> followers) {
        this.repository = repository;
        this.followers = followers;
    }

    void apply(List<ProfilesMerged> merges) {
        if (merges.isEmpty()) {
            return;
        }
        repository.lockMerges(List.copyOf(new TreeSet<>(merges.stream().map(ProfilesMerged::workspaceId).toList())));
        Set<IdentifierRepository.Redirect.Key> named = new LinkedHashSet<>();
        for (ProfilesMerged merge : merges) {
            named.add(new IdentifierRepository.Redirect.Key(merge.workspaceId(), merge.survivorId()));
            merge.mergedIds().forEach(id -> named.add(new IdentifierRepository.Redirect.Key(merge.workspaceId(), id)));
        }
        Map<IdentifierRepository.Redirect.Key, String> stored = repository.redirects(
                named.stream().map(IdentifierRepository.Redirect.Key::workspaceId).toList(),
                named.stream().map(IdentifierRepository.Redirect.Key::profileId).toList());
        Map<IdentifierRepository.Redirect.Key, String> redirects = new HashMap<>(stored);
        Map<IdentifierRepository.Redirect.Key, UUID> newlyMerged = new LinkedHashMap<>();
        for (ProfilesMerged merge : merges) {
            String survivor = follow(redirects, merge.workspaceId(), merge.survivorId());
            for (String mergedId : merge.mergedIds()) {
                String current = follow(redirects, merge.workspaceId(), mergedId);
                if (!current.equals(survivor)) {
                    IdentifierRepository.Redirect.Key key = new IdentifierRepository.Redirect.Key(merge.workspaceId(),
                            current);
                    redirects.put(key, survivor);
                    newlyMerged.put(key, merge.id());
                }
            }
        }
        List<IdentifierRepository.Redirect> toStore = new ArrayList<>();
        newlyMerged.forEach((key, mergeId) -> toStore.add(new IdentifierRepository.Redirect(key.workspaceId(),
                key.profileId(), follow(redirects, key.workspaceId(), key.profileId()), mergeId)));
        repository.redirect(toStore);
        List<MergeFollower.Merged> merged = toStore.stream().map(redirect -> new MergeFollower.Merged(
                redirect.workspaceId(), redirect.mergedId(), redirect.survivorId(), redirect.mergeId())).toList();
        if (!merged.isEmpty()) {
            followers.forEach(follower -> follower.merged(merged));
        }
    }

    private static String follow(Map<IdentifierRepository.Redirect.Key, String> redirects, String workspaceId,
                                 String profileId) {
        String current = profileId;
        for (int hops = 0; hops <= redirects.size(); hops++) {
            String next = redirects.get(new IdentifierRepository.Redirect.Key(workspaceId, current));
            if (next == null || next.equals(current)) {
                return current;
            }
            current = next;
        }
        throw new IllegalStateException("Redirects of workspace " + workspaceId + " form a cycle at " + profileId);
    }

    /** The merge itself, when it can be applied at all; a {@link PermanentMessageException} otherwise. */
    static ProfilesMerged validate(ProfilesMerged message) {
        requireId(message.workspaceId(), "workspaceId");
        requireId(message.survivorId(), "survivorId");
        require(message.mergedIds() != null && !message.mergedIds().isEmpty(),
                "Merge " + message.id() + " names no merged profile");
        require(message.mergedIds().size() <= MAX_MERGED,
                "Merge " + message.id() + " names more than " + MAX_MERGED + " profiles");
        message.mergedIds().forEach(id -> requireId(id, "mergedIds[]"));
        return message;
    }

    private static void requireId(String value, String what) {
        require(value != null && !value.isBlank(), "Merge without " + what);
        require(value.length() <= MAX_ID_LENGTH, what + " longer than " + MAX_ID_LENGTH + " characters");
    }

    private static void require(boolean condition, String reason) {
        if (!condition) {
            throw new PermanentMessageException(reason);
        }
    }
}
