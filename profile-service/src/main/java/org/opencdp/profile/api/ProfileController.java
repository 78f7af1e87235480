package org.opencdp.profile.api;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.opencdp.contracts.IdentifierTypes;
import org.opencdp.kit.problem.CdpException;
import org.opencdp.kit.security.Caller;
import org.opencdp.kit.security.Scopes;
import org.opencdp.profile.computed.ComputedTraitService;
import org.opencdp.profile.config.ProfileProperties;
import org.opencdp.profile.events.EventFilter;
import org.opencdp.profile.events.EventPage;
import org.opencdp.profile.events.EventPosition;
import org.opencdp.profile.events.EventService;
import org.opencdp.profile.events.StoredEvent;
import org.opencdp.profile.identifiers.IdentifierService;
import org.opencdp.profile.profiles.Profile;
import org.opencdp.profile.profiles.ProfileService;
import org.opencdp.profile.traits.TraitObservation;
import org.opencdp.profile.traits.TraitService;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * The Profile API: a profile (by id or by any identifier), its traits with provenance and its
 * events, within the caller's workspace. A merged-away id answers with the profile it was merged
 * into.
 */
@RestController
@RequestMapping("/v1/profiles")
class ProfileController {

    static final String SCOPE = Scopes.PROFILES_READ;

    private final ProfileService profiles;
    private final TraitService traits;
    private final ComputedTraitService computedTraits;
    private final EventService events;
    private final IdentifierService identifiers;
    private final ProfileProperties.Events settings;

    ProfileController(ProfileService profiles, TraitService traits, ComputedTraitService computedTraits,
                      EventService events, IdentifierService identifiers, ProfileProperties properties) {
        this.profiles = profiles;
        this.traits = traits;
        this.computedTraits = computedTraits;
        this.events = events;
        this.identifiers = identifiers;
        this.settings = properties.events();
    }

    @GetMapping("/{id}")
    ProfileResponse get(Caller caller, @PathVariable String id) {
        return response(existing(caller, id), id);
    }

    /**
     * A profile by one of its identifiers ({@code user_id}, {@code anonymous_id}, {@code email},
     * {@code phone}, {@code ios.idfa}, a workspace's custom type…), read under the workspace's
     * identifier rules exactly as identity-service reads it ({@link IdentifierService#profileOf}): a
     * value that is no identifier there (an invalid phone, a blocked value) finds nothing (404).
     */
    @GetMapping("/lookup")
    ProfileResponse lookup(Caller caller, @RequestParam(required = false) String type,
                           @RequestParam(required = false) String value) {
        caller.require(SCOPE);
        if (type == null || type.isBlank() || value == null || value.isBlank()) {
            throw CdpException.badRequest("invalid_parameter",
                    "Both 'type' (e.g. email, user_id, anonymous_id) and 'value' are required.");
        }
        if (IdentifierTypes.normalise(type).isEmpty()) {
            throw CdpException.badRequest("invalid_identifier_type", "'" + type + "' is not an identifier type: a type is "
                    + IdentifierTypes.nameRule() + ".");
        }
        String profileId = identifiers.profileOf(caller.workspaceId(), type, value).orElseThrow(
                () -> CdpException.notFound("profile", type + ":" + value));
        return response(existing(caller, profileId), profileId);
    }

    @GetMapping("/{id}/traits")
    ProfileTraitsResponse traits(Caller caller, @PathVariable String id) {
        Profile profile = existing(caller, id);
        Map<String, ProfileTraitsResponse.Trait> provenance = new LinkedHashMap<>();
        for (TraitObservation t : traits.traitsOf(profile.workspaceId(), profile.id())) {
            provenance.put(t.key(), new ProfileTraitsResponse.Trait(t.value(), t.sourceId(), t.messageId(),
                    t.observedAt()));
        }
        return new ProfileTraitsResponse(profile.id(), provenance);
    }

    /**
     * Events newest first, optionally only those named {@code name} and / or with an event time in
     * {@code [from, to)} (ISO-8601 instants); {@code cursor} continues a listing with the same filters.
     */
    @GetMapping("/{id}/events")
    EventPageResponse events(Caller caller, @PathVariable String id,
                             @RequestParam(required = false) String limit,
                             @RequestParam(required = false) String cursor,
                             @RequestParam(required = false) String name,
                             @RequestParam(required = false) String from,
                             @RequestParam(required = false) String to) {
        caller.require(SCOPE);
        int pageSize = limit(limit);
        Optional<EventPosition> after = EventCursor.after(cursor);
        EventFilter filter = new EventFilter(name, instant("from", from), instant("to", to));
        Profile profile = existing(caller, id);
        EventPage page = events.page(profile.workspaceId(), profile.id(), filter, after, pageSize);
        return new EventPageResponse(page.items().stream().map(ProfileController::event).toList(),
                page.next().map(EventCursor::encode).orElse(null));
    }

    private ProfileResponse response(Profile profile, String requestedId) {
        Map<String, JsonNode> values = new LinkedHashMap<>();
        traits.traitsOf(profile.workspaceId(), profile.id()).forEach(t -> values.put(t.key(), t.value()));
        return new ProfileResponse(profile.id(), values, computedTraits.valuesOf(profile.workspaceId(), profile.id()),
                profiles.mergedFrom(profile.workspaceId(), profile.id()),
                requestedId.equals(profile.id()) ? null : requestedId, profile.createdAt(), profile.updatedAt());
    }

    /** The live profile answering for {@code id} (itself or its survivor) in the caller's workspace. */
    private Profile existing(Caller caller, String id) {
        caller.require(SCOPE);
        return profiles.find(caller.workspaceId(), id).orElseThrow(() -> CdpException.notFound("profile", id));
    }

    private int limit(String limit) {
        if (limit == null) {
            return settings.defaultLimit();
        }
        int value;
        try {
            value = Integer.parseInt(limit.trim());
        } catch (NumberFormatException e) {
            value = 0;
        }
        if (value < 1 || value > settings.maxLimit()) {
            throw CdpException.badRequest("invalid_limit",
                            "limit must be a whole number from 1 to " + settings.maxLimit() + ".")
                    .with("maxLimit", settings.maxLimit());
        }
        return value;
    }

    private static Instant instant(String parameter, String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw CdpException.badRequest("invalid_parameter",
                    "'" + parameter + "' must be an ISO-8601 instant such as 2025-03-01T10:00:00Z.")
                    .with("parameter", parameter);
        }
    }

    private static EventPageResponse.Event event(StoredEvent e) {
        return new EventPageResponse.Event(e.messageId(), e.type(), e.name(), e.occurredAt(), e.receivedAt(),
                e.sourceId(), e.payload().get("properties"), e.payload().get("context"), e.payload().get("traits"));
    }
}
