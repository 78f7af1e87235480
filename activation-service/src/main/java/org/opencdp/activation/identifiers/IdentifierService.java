package org.opencdp.activation.identifiers;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.opencdp.contracts.EventIdentifierFields;
import org.opencdp.contracts.EventResolved;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.IdentifierTypes;
import org.springframework.stereotype.Service;

/**
 * The e-mail addresses and phone numbers of profiles, which audience connectors send (membership
 * messages carry a profile id only). They are taken from the resolved events activation consumes
 * anyway, where {@link EventIdentifierFields} says events carry them, in the normal form of {@link
 * Identifier#normalised} (a phone without its country code is not kept: no workspace region is
 * known here), and follow merges ({@link MergeService}).
 */
@Service
public class IdentifierService {

    private final IdentifierRepository repository;

    IdentifierService(IdentifierRepository repository) {
        this.repository = repository;
    }

    /**
     * Keeps the identifiers {@code chunk}'s events carry: one statement for the whole chunk, none
     * when no event carries an e-mail or phone. Runs in the consumer's transaction.
     */
    public void recordAll(List<EventResolved> chunk) {
        Set<IdentifierRepository.Row> rows = new LinkedHashSet<>();
        for (EventResolved message : chunk) {
            for (EventIdentifierFields.Written written : EventIdentifierFields.of(message.event())) {
                if (!written.type().equals(IdentifierTypes.EMAIL) && !written.type().equals(IdentifierTypes.PHONE)) {
                    continue;
                }
                Identifier.normalised(written.type(), written.value(), Identifier.MAX_VALUE_LENGTH)
                        .ifPresent(identifier -> rows.add(new IdentifierRepository.Row(message.workspaceId(),
                                message.profileId(), identifier.type(), identifier.value())));
            }
        }
        repository.insertAll(List.copyOf(rows));
    }

    /**
     * The identifiers of each of {@code profiles} (including those still written under profiles
     * merged into them), in one statement. A profile without any maps to {@link ProfileIdentifiers#NONE}.
     */
    public Map<ProfileKey, ProfileIdentifiers> of(Collection<ProfileKey> profiles) {
        List<ProfileKey> distinct = List.copyOf(new LinkedHashSet<>(profiles));
        Map<ProfileKey, List<String>> emails = new HashMap<>();
        Map<ProfileKey, List<String>> phones = new HashMap<>();
        for (IdentifierRepository.Row row : repository.find(distinct.stream().map(ProfileKey::workspaceId).toList(),
                distinct.stream().map(ProfileKey::profileId).toList())) {
            Map<ProfileKey, List<String>> byType = row.type().equals(IdentifierTypes.EMAIL) ? emails : phones;
            List<String> values = byType.computeIfAbsent(new ProfileKey(row.workspaceId(), row.profileId()),
                    key -> new ArrayList<>());
            if (values.size() < ProfileIdentifiers.MAX_PER_TYPE && !values.contains(row.value())) {
                values.add(row.value());
            }
        }
        Map<ProfileKey, ProfileIdentifiers> found = new HashMap<>();
        for (ProfileKey key : distinct) {
            found.put(key, new ProfileIdentifiers(emails.getOrDefault(key, List.of()),
                    phones.getOrDefault(key, List.of())));
        }
        return found;
    }

    /** A profile of a workspace. */
    public record ProfileKey(String workspaceId, String profileId) {
    }
}
