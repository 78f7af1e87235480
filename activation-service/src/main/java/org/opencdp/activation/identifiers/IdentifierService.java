package org.opencdp.activation.identifiers;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.opencdp.contracts.EventResolved;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.IdentifierTypes;
import org.opencdp.contracts.WorkspaceIdentifierRules;
import org.springframework.stereotype.Service;

/**
 * The e-mail addresses and phone numbers of profiles, which audience connectors send (membership
 * messages carry a profile id only). They are the identifiers identity-service resolved each
 * consumed event with ({@link EventResolved#identifiers()}), never derived here from the event's
 * fields: identity normalised them under the workspace's rules (a national phone number read in the
 * workspace's region, blocked values left out), so Meta and Google receive the person as identity
 * knows them (issue 14). They follow merges ({@link MergeService}).
 */
@Service
public class IdentifierService {

    private final IdentifierRepository repository;

    IdentifierService(IdentifierRepository repository) {
        this.repository = repository;
    }

    /**
     * Keeps the e-mails and phones among the identifiers of {@code chunk}'s messages: one statement
     * for the whole chunk, none when no message carries one. Runs in the consumer's transaction.
     */
    public void recordAll(List<EventResolved> chunk) {
        Set<IdentifierRepository.Row> rows = new LinkedHashSet<>();
        for (EventResolved message : chunk) {
            for (Identifier identifier : message.identifiers()) {
                storable(identifier).ifPresent(value -> rows.add(new IdentifierRepository.Row(message.workspaceId(),
                        message.profileId(), identifier.type(), value)));
            }
        }
        repository.insertAll(List.copyOf(rows));
    }

    /**
     * The value to keep of an e-mail or phone identifier of a message. identity already gave it its
     * normal form, which normalising again under the default rules leaves as it is (an E.164 number
     * needs no region); what fails that (or holds U+0000) is not identity's output and is not stored,
     * so one corrupt message cannot make a chunk unstorable.
     */
    private static Optional<String> storable(Identifier identifier) {
        if (identifier == null || !(IdentifierTypes.EMAIL.equals(identifier.type())
                || IdentifierTypes.PHONE.equals(identifier.type()))) {
            return Optional.empty();
        }
        return WorkspaceIdentifierRules.DEFAULT.identifier(identifier.type(), identifier.value(),
                Identifier.MAX_VALUE_LENGTH).map(Identifier::value);
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
