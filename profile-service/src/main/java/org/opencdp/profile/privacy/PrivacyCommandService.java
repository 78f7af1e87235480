package org.opencdp.profile.privacy;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.IdentifierTypes;
import org.opencdp.contracts.PrivacyCommandAcknowledged;
import org.opencdp.contracts.PrivacyCommandAcknowledged.Outcome;
import org.opencdp.contracts.PrivacyCommandIssued;
import org.opencdp.kit.outbox.Outbox;
import org.opencdp.kit.privacy.ReceivedPrivacyCommand;
import org.opencdp.profile.computed.ComputedTraitService;
import org.opencdp.profile.config.ProfileProperties;
import org.opencdp.profile.identifiers.IdentifierService;
import org.opencdp.profile.identifiers.Identifiers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Carries out privacy commands on profile-service's data (issue 12), inside the kit consumer's
 * transaction, and acknowledges each ({@code service = "profile"}) through the outbox in that same
 * transaction, so an erasure and its acknowledgement commit together or not at all. The person is
 * every profile the command names or its identifiers are held by, followed through merges both
 * ways ({@link PersonRepository#personOf}), within the command's workspace only.
 * <ul>
 *   <li>{@code ERASE}: deletes everything profile holds on them ({@link PersonRepository#erase}) and
 *       leaves each profile id a tombstone. Afterwards their ids and identifiers answer 404, and an
 *       event or merge still naming one of the ids (in flight, or replayed) is dropped. An event
 *       that carries one of the identifiers again reaches profile under the new profile identity
 *       gives it: refusing those is ingestion's part, when the request asks for suppression. No
 *       {@code ProfileChanged} is published: every service erases its own copy on this command.</li>
 *   <li>{@code EXPORT}: what profile holds on them, bounded ({@link PersonExport}).</li>
 * </ul>
 * A command run again (a second command of the same request) finds what is left, nothing after an
 * erase, and acknowledges again. One profile cannot read but that names its workspace and request
 * ({@link ReceivedPrivacyCommand.Unreadable}) is acknowledged {@code FAILED} with the reason. Profile ids
 * and identifiers that cannot be in profile's store (blank, a NUL character, too long, not an
 * identifier) are left out and counted in the acknowledgement's detail.
 */
@Service
class PrivacyCommandService {

    static final String CONSUMER = "profile-privacy-commands";
    static final String SERVICE = "profile";
    /** Longest profile id profile stores (a B-tree key). */
    static final int MAX_ID_LENGTH = 255;

    private static final Logger log = LoggerFactory.getLogger(PrivacyCommandService.class);

    private final PersonRepository people;
    private final ExportRepository exports;
    private final IdentifierService identifiers;
    private final ComputedTraitService computedTraits;
    private final ProfileProperties.Privacy settings;
    private final Outbox outbox;
    private final Clock clock;

    PrivacyCommandService(PersonRepository people, ExportRepository exports, IdentifierService identifiers,
                          ComputedTraitService computedTraits, ProfileProperties properties, Outbox outbox,
                          Clock clock) {
        this.people = people;
        this.exports = exports;
        this.identifiers = identifiers;
        this.computedTraits = computedTraits;
        this.settings = properties.privacy();
        this.outbox = outbox;
        this.clock = clock;
    }

    /** Carries out a chunk of new commands (one, see the listener) and appends their acknowledgements. */
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

    /** The profile ids and identifiers of a command profile could hold, and how many it could not. */
    private record Subject(List<String> profileIds, List<Identifier> identifiers, int leftOut) {

        String ignored() {
            return leftOut == 0 ? "" : " " + leftOut + " profile id(s) or identifier(s) of the command were left out:"
                    + " blank, with a NUL character, too long, or not a valid identifier type and value.";
        }
    }

    private PrivacyCommandAcknowledged carryOut(ReceivedPrivacyCommand received, PrivacyCommandIssued command) {
        Subject subject = subject(command);
        return switch (command.command()) {
            case ERASE -> erase(received, subject);
            case EXPORT -> export(received, subject);
        };
    }

    private PrivacyCommandAcknowledged erase(ReceivedPrivacyCommand command, Subject subject) {
        String workspaceId = command.workspaceId();
        computedTraits.holdBackfills(List.of(workspaceId)); // no merge or backfill batch of the workspace meanwhile
        List<String> person = people.personOf(workspaceId, subject.profileIds(), subject.identifiers());
        Map<String, Boolean> locked = people.lock(workspaceId, person);
        if (!person.equals(people.personOf(workspaceId, subject.profileIds(), subject.identifiers()))) {
            // an event linked an identifier of the person to another profile before the lock: the kit runs it again
            throw new ConcurrencyFailureException("The profiles of privacy request " + command.requestId()
                    + " changed while they were locked; erasing again");
        }
        long live = locked.values().stream().filter(erased -> !erased).count();
        PersonRepository.Erased erased = people.erase(workspaceId, person, subject.identifiers(), clock.instant());
        String detail;
        if (live == 0 && erased.nothing()) {
            detail = "profile holds nothing on this person (nothing left to erase).";
        } else {
            detail = "Erased " + live + " profile(s): " + erased.events() + " event(s), " + erased.traits()
                    + " trait(s) with their provenance, " + erased.computedTraits() + " computed trait value(s) and "
                    + erased.identifiers() + " identifier(s). Their ids and identifiers answer 404; events still"
                    + " in flight for these ids are dropped.";
            log.info("Privacy request {} in workspace {}: erased {} profile(s), {} event(s)", command.requestId(),
                    workspaceId, live, erased.events());
        }
        return acknowledgement(command, Outcome.DONE, detail + subject.ignored(), null);
    }

    private PrivacyCommandAcknowledged export(ReceivedPrivacyCommand command, Subject subject) {
        String workspaceId = command.workspaceId();
        List<String> person = people.personOf(workspaceId, subject.profileIds(), subject.identifiers());
        ObjectNode export = exports.export(workspaceId, person, settings.exportMaxBytes(), settings.exportMaxEvents());
        JsonNode counts = export.path("counts");
        String detail = "Exported " + exported(counts, "profiles") + " profile(s), " + exported(counts, "identifiers")
                + " identifier(s), " + exported(counts, "traits") + " trait(s), " + exported(counts, "computedTraits")
                + " computed trait value(s) and " + exported(counts, "events") + " event(s), newest first"
                + (export.path("truncated").asBoolean() ? "; cut to fit " + settings.exportMaxBytes()
                + " bytes (and at most " + settings.exportMaxEvents() + " events): see counts." : ".");
        return acknowledgement(command, Outcome.DONE, detail + subject.ignored(), export);
    }

    private static String exported(JsonNode counts, String section) {
        JsonNode count = counts.path(section);
        long exported = count.path("exported").asLong();
        long total = count.path("total").asLong();
        return exported == total ? String.valueOf(total) : exported + " of " + total;
    }

    /** What of the command profile could hold: ids as they are, identifiers as given and in the workspace's normal form. */
    private Subject subject(PrivacyCommandIssued command) {
        Set<String> profileIds = new LinkedHashSet<>();
        int leftOut = 0;
        for (String profileId : command.profileIds() == null ? List.<String>of() : command.profileIds()) {
            if (storable(profileId)) {
                profileIds.add(profileId);
            } else {
                leftOut++;
            }
        }
        Set<Identifier> known = new LinkedHashSet<>();
        for (Identifier identifier : command.identifiers() == null ? List.<Identifier>of() : command.identifiers()) {
            List<Identifier> forms = identifier == null ? List.of() : forms(command.workspaceId(), identifier);
            if (forms.isEmpty()) {
                leftOut++;
            }
            known.addAll(forms);
        }
        return new Subject(List.copyOf(profileIds), List.copyOf(known), leftOut);
    }

    /**
     * The rows {@code identifier} may be stored as: its normal form under the workspace's rules (what
     * identity resolves events with), and the value exactly as the command wrote it (stored under
     * earlier rules, say, before the workspace blocked it).
     */
    private List<Identifier> forms(String workspaceId, Identifier identifier) {
        List<Identifier> forms = new ArrayList<>(2);
        Optional<String> type = IdentifierTypes.normalise(identifier.type());
        if (type.isEmpty()) {
            return forms;
        }
        identifiers.normalised(workspaceId, identifier.type(), identifier.value()).ifPresent(forms::add);
        Identifier asWritten = new Identifier(type.get(), identifier.value());
        if (Identifiers.isStorable(asWritten) && !forms.contains(asWritten)) {
            forms.add(asWritten);
        }
        return forms;
    }

    /** Whether profile could hold {@code id} as a profile id: not blank, no NUL character, not too long. */
    private static boolean storable(String id) {
        return id != null && !id.isBlank() && id.length() <= MAX_ID_LENGTH && id.indexOf('\u0000') < 0;
    }

    private PrivacyCommandAcknowledged acknowledgement(ReceivedPrivacyCommand command, Outcome outcome, String detail,
                                                       ObjectNode export) {
        return new PrivacyCommandAcknowledged(UUID.randomUUID(), command.workspaceId(), clock.instant(),
                command.requestId(), SERVICE, outcome, detail, export);
    }
}
