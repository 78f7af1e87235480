package org.opencdp.segmentation.privacy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.opencdp.contracts.PrivacyCommandAcknowledged;
import org.opencdp.contracts.PrivacyCommandAcknowledged.Outcome;
import org.opencdp.contracts.PrivacyCommandIssued;
import org.opencdp.kit.outbox.Outbox;
import org.opencdp.kit.privacy.ReceivedPrivacyCommand;
import org.opencdp.segmentation.SegmentationProperties;
import org.opencdp.segmentation.membership.MembershipTransition.Removed;
import org.opencdp.segmentation.membership.MembershipTransitions;
import org.opencdp.segmentation.profile.ProfileKey;
import org.opencdp.segmentation.segment.SegmentDefinitionLock;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Carries out privacy commands on segmentation's data (issue 12), inside the kit consumer's
 * transaction, and acknowledges each ({@code service = "segmentation"}) through the outbox in that
 * same transaction. The person is every profile id the command names and every profile merged into
 * one of them (segmentation's own merge records, followed down), in the command's workspace only.
 * Segmentation keys nothing by identifiers, so the command's {@code identifiers} are not needed;
 * {@code suppress} is ingestion's part.
 * <ul>
 *   <li>{@code ERASE}: deletes the profiles' traits and computed traits, every membership row
 *       (current and former) and every merge record naming them; segmentation keeps no event facts.
 *       For each current membership it publishes a {@code MembershipChanged} exit (version + 1), so
 *       every consumer of the memberships topic drops the person, not only activation (which also
 *       erases on its own command and ignores an exit it no longer needs). Every id is then
 *       remembered as erased (the opaque id only), so a ProfileChanged of it still in flight,
 *       replayed or re-published cannot bring the person back, until {@code
 *       cdp.segmentation.privacy.erased-retention}. The workspace's definition lock is held
 *       exclusively meanwhile ({@link SegmentDefinitionLock#forErasure}).</li>
 *   <li>{@code EXPORT}: the current memberships, the trait projection, the merge records and the
 *       former memberships, bounded ({@link PersonExport}).</li>
 * </ul>
 * A command run again (another command of the same request) finds what is left, nothing after an
 * erase, and acknowledges {@code DONE} again; a redelivered copy (same id) is dropped by the kit. One
 * segmentation cannot read but that names its workspace and request ({@link ReceivedPrivacyCommand.Unreadable})
 * is acknowledged {@code FAILED} with the reason. Profile ids PostgreSQL could not hold (blank, a NUL
 * character) are left out and counted in the detail.
 */
@Service
class PrivacyCommandService {

    static final String CONSUMER = "segmentation-privacy-commands";
    static final String SERVICE = "segmentation";

    private final PrivacyRepository privacy;
    private final MembershipTransitions transitions;
    private final SegmentDefinitionLock definitionLock;
    private final Outbox outbox;
    private final SegmentationProperties.Privacy settings;
    private final JsonMapper json;

    PrivacyCommandService(PrivacyRepository privacy, MembershipTransitions transitions,
                          SegmentDefinitionLock definitionLock, Outbox outbox, SegmentationProperties properties,
                          JsonMapper json) {
        this.privacy = privacy;
        this.transitions = transitions;
        this.definitionLock = definitionLock;
        this.outbox = outbox;
        this.settings = properties.privacy();
        this.json = json;
    }

    /** Carries out a chunk of new commands inside the kit consumer's transaction. */
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
        Set<String> named = new LinkedHashSet<>();
        int leftOut = 0;
        for (String profileId : command.profileIds() == null ? List.<String>of() : command.profileIds()) {
            if (storable(profileId)) {
                named.add(profileId);
            } else {
                leftOut++;
            }
        }
        String ignored = leftOut == 0 ? "" : " " + leftOut + " profile id(s) of the command were left out: blank or"
                + " with a NUL character.";
        return switch (command.command()) {
            case ERASE -> erase(received, named, ignored);
            case EXPORT -> export(received, named, ignored);
        };
    }

    private PrivacyCommandAcknowledged erase(ReceivedPrivacyCommand command, Set<String> named, String ignored) {
        String workspaceId = command.workspaceId();
        if (named.isEmpty()) {
            return acknowledgement(command, Outcome.DONE, "The command names no profile: nothing to erase." + ignored,
                    null);
        }
        definitionLock.forErasure(workspaceId);
        List<String> profileIds = privacy.withMergedAway(workspaceId, named);
        List<Removed> memberships = transitions.removeProfiles(profileIds.stream()
                .map(id -> new ProfileKey(workspaceId, id)).toList());
        long exits = memberships.stream().filter(Removed::member).count();
        PrivacyRepository.Erased erased = privacy.erase(workspaceId, command.requestId(), profileIds,
                Instant.now().truncatedTo(ChronoUnit.MICROS));
        String kept = " " + profileIds.size() + " profile id(s) are remembered as erased for " + retention()
                + ", so a late profile change cannot bring them back.";
        String detail = erased.profiles() + memberships.size() + erased.merges() == 0
                ? "segmentation holds nothing on this person (nothing left to erase)."
                : "Erased the traits of " + erased.profiles() + " profile(s), " + memberships.size()
                        + " membership record(s) (an exit published for each of the " + exits + " current one(s)) and "
                        + erased.merges() + " merge record(s).";
        return acknowledgement(command, Outcome.DONE, detail + kept + ignored, null);
    }

    private PrivacyCommandAcknowledged export(ReceivedPrivacyCommand command, Set<String> named, String ignored) {
        String workspaceId = command.workspaceId();
        List<String> profileIds = named.isEmpty() ? List.of() : privacy.withMergedAway(workspaceId, named);
        ObjectNode export = profileIds.isEmpty()
                ? PersonExport.of(json, settings.exportMaxBytes(), List.of(), List.of(), List.of(), List.of())
                : PersonExport.of(json, settings.exportMaxBytes(), profileIds, privacy.profiles(workspaceId, profileIds),
                        privacy.memberships(workspaceId, profileIds), privacy.merges(workspaceId, profileIds));
        String detail = "Exported " + export.path("memberships").size() + " membership(s), "
                + export.path("profiles").size() + " profile(s) of traits, " + export.path("merges").size()
                + " merge record(s) and " + export.path("formerMemberships").size() + " former membership(s)"
                + (export.path("truncated").asBoolean() ? "; the rest was left out to keep the export within "
                + settings.exportMaxBytes() + " bytes (see omitted)." : ".");
        return acknowledgement(command, Outcome.DONE, detail + ignored, export);
    }

    private String retention() {
        long days = settings.erasedRetention().toDays();
        return days > 0 ? days + " day(s)" : settings.erasedRetention().toString();
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
