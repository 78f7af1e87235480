package org.opencdp.identity.privacy;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.IdentifierTypes;
import org.opencdp.contracts.IdentifierValues;
import org.opencdp.contracts.PrivacyCommandAcknowledged;
import org.opencdp.contracts.PrivacyCommandAcknowledged.Outcome;
import org.opencdp.contracts.PrivacyCommandIssued;
import org.opencdp.identity.IdentityProperties;
import org.opencdp.identity.graph.IdentityRepository;
import org.opencdp.identity.graph.PersonIdentifier;
import org.opencdp.identity.merge.MergeRepository;
import org.opencdp.identity.privacy.PersonStore.Person;
import org.opencdp.identity.rules.IdentityRulesService;
import org.opencdp.kit.outbox.Outbox;
import org.opencdp.kit.privacy.ReceivedPrivacyCommand;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Carries out privacy commands on identity-service's data (issue 12), inside the kit consumer's
 * transaction, and acknowledges each ({@code service = "identity"}) through the outbox in that same
 * transaction. The person is every profile the command names or its identifiers are attached to,
 * followed through merges both ways, with the identifiers attached to them ({@link PersonStore}).
 * <ul>
 *   <li>{@code ERASE}: deletes the identifiers, the profile rows (merged-away ones included) and
 *       every merge explanation that involves them. Afterwards their identifiers and profile ids
 *       answer 404, and an event that carries one of those identifiers again starts a new profile:
 *       identity keeps no trace of the person to recognise it by. Refusing such events is
 *       ingestion's part, when the request asks for suppression.</li>
 *   <li>{@code EXPORT}: the profiles, identifiers and merges, bounded ({@link PersonExport}).</li>
 * </ul>
 * A command run again (a second command of the same request) finds what is left, nothing after an
 * erase, and acknowledges again. One that identity cannot read but that names its workspace and
 * request ({@link ReceivedPrivacyCommand.Unreadable}) is acknowledged {@code FAILED} with the reason.
 * Profile ids and identifiers that cannot be in the graph (blank, a NUL character, an invalid type
 * or value) are left out and counted in the acknowledgement's detail.
 */
@Service
class PrivacyCommandService {

    static final String CONSUMER = "identity-privacy-commands";
    static final String SERVICE = "identity";

    private final PersonStore people;
    private final IdentityRepository identities;
    private final MergeRepository merges;
    private final IdentityRulesService rules;
    private final IdentityProperties properties;
    private final Outbox outbox;
    private final JsonMapper json;

    PrivacyCommandService(PersonStore people, IdentityRepository identities, MergeRepository merges,
                          IdentityRulesService rules, IdentityProperties properties, Outbox outbox, JsonMapper json) {
        this.people = people;
        this.identities = identities;
        this.merges = merges;
        this.rules = rules;
        this.properties = properties;
        this.outbox = outbox;
        this.json = json;
    }

    void apply(List<ReceivedPrivacyCommand> commands) {
        outbox.appendAll(commands.stream().map(this::carryOut).toList());
    }

    private PrivacyCommandAcknowledged carryOut(ReceivedPrivacyCommand received) {
        return switch (received) {
            case ReceivedPrivacyCommand.Unreadable unreadable ->
                    acknowledgement(unreadable, Outcome.FAILED, unreadable.reason(), null);
            case ReceivedPrivacyCommand.Readable readable -> carryOut(readable, readable.command());
        };
    }

    private PrivacyCommandAcknowledged carryOut(ReceivedPrivacyCommand received, PrivacyCommandIssued command) {
        String workspaceId = command.workspaceId();
        Set<String> profileIds = new LinkedHashSet<>();
        int leftOut = 0;
        for (String profileId : command.profileIds() == null ? List.<String>of() : command.profileIds()) {
            if (storable(profileId)) {
                profileIds.add(profileId);
            } else {
                leftOut++;
            }
        }
        Set<PersonIdentifier> identifiers = new LinkedHashSet<>();
        for (Identifier identifier : command.identifiers() == null ? List.<Identifier>of() : command.identifiers()) {
            Optional<PersonIdentifier> known = identifier == null ? Optional.empty() : normalised(workspaceId, identifier);
            if (known.isPresent()) {
                identifiers.add(known.get());
            } else {
                leftOut++;
            }
        }
        Person person = people.lock(workspaceId, profileIds, identifiers);
        String ignored = leftOut == 0 ? "" : " " + leftOut + " profile id(s) or identifier(s) of the command were left"
                + " out: blank, with a NUL character, or not a valid identifier type and value.";
        return switch (command.command()) {
            case ERASE -> erase(received, person, ignored);
            case EXPORT -> export(received, person, ignored);
        };
    }

    private PrivacyCommandAcknowledged erase(ReceivedPrivacyCommand command, Person person, String ignored) {
        String workspaceId = command.workspaceId();
        int mergeRows = person.profileIds().isEmpty() ? 0 : merges.deleteInvolving(workspaceId, person.profileIds());
        PersonStore.Erased erased = people.erase(workspaceId, person);
        String detail = erased.profiles() == 0
                ? "identity holds nothing on this person (nothing left to erase)."
                : "Erased " + erased.profiles() + " profile(s), " + erased.identifiers() + " identifier(s) and "
                        + mergeRows + " merge record(s). An event carrying one of these identifiers again starts a new"
                        + " profile.";
        return acknowledgement(command, Outcome.DONE, detail + ignored, null);
    }

    private PrivacyCommandAcknowledged export(ReceivedPrivacyCommand command, Person person, String ignored) {
        String workspaceId = command.workspaceId();
        int perProfile = properties.exportIdentifiersPerProfile();
        int mergesListed = properties.exportMergesListed();
        IdentityRepository.Listed links = person.profileIds().isEmpty()
                ? new IdentityRepository.Listed(List.of(), Map.of())
                : identities.identitiesOf(workspaceId, person.profileIds(), perProfile);
        MergeRepository.Involving involved = person.profileIds().isEmpty() ? new MergeRepository.Involving(List.of(), 0)
                : merges.involving(workspaceId, person.profileIds(), mergesListed);
        ObjectNode export = PersonExport.of(json, properties.exportMaxBytes(), perProfile, mergesListed,
                person.profiles(), links, involved);
        String detail = "Exported " + export.path("profiles").size() + " profile(s), "
                + export.path("identifiers").size() + " identifier(s) and " + export.path("merges").size()
                + " merge record(s)" + (export.path("complete").asBoolean() ? "." : "; "
                + omitted(export.path("omitted")) + " left out to keep the export within its limits.");
        return acknowledgement(command, Outcome.DONE, detail + ignored, export);
    }

    private static String omitted(JsonNode omitted) {
        return omitted.path("profiles").asLong() + " profile(s), " + omitted.path("identifiers").asLong()
                + " identifier(s) and " + omitted.path("merges").asLong() + " merge record(s)";
    }

    /** The identifier in the graph's normal form, as resolution would have stored it; empty when it cannot be stored. */
    private Optional<PersonIdentifier> normalised(String workspaceId, Identifier identifier) {
        Optional<String> type = IdentifierTypes.normalise(identifier.type());
        if (type.isEmpty() || !storable(identifier.value())) {
            return Optional.empty();
        }
        return IdentifierValues.normalise(type.get(), identifier.value(),
                        rules.rulesFor(workspaceId).rules().defaultRegion(), properties.maxIdentifierLength())
                .map(value -> new PersonIdentifier(type.get(), value));
    }

    /** Whether PostgreSQL could hold {@code value} as text: not blank and without a NUL character. */
    private static boolean storable(String value) {
        return value != null && !value.isBlank() && value.indexOf('\u0000') < 0;
    }

    private static PrivacyCommandAcknowledged acknowledgement(ReceivedPrivacyCommand command, Outcome outcome, String detail,
                                                              ObjectNode export) {
        return new PrivacyCommandAcknowledged(UUID.randomUUID(), command.workspaceId(), Instant.now(),
                command.requestId(), SERVICE, outcome, detail, export);
    }
}
