package org.opencdp.profile.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.opencdp.kit.problem.CdpException;
import org.opencdp.kit.security.Caller;
import org.opencdp.profile.config.ProfileProperties;
import org.opencdp.profile.events.EventPage;
import org.opencdp.profile.events.EventPosition;
import org.opencdp.profile.events.EventService;
import org.opencdp.profile.events.StoredEvent;
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

/** The Profile API: a profile, its traits with provenance and its events, within the caller's workspace. */
@RestController
@RequestMapping("/v1/profiles")
class ProfileController {

    static final String SCOPE = "profiles:read";

    private final ProfileService profiles;
    private final TraitService traits;
    private final EventService events;
    private final ProfileProperties.Events settings;

    ProfileController(ProfileService profiles, TraitService traits, EventService events,
                      ProfileProperties properties) {
        this.profiles = profiles;
        this.traits = traits;
        this.events = events;
        this.settings = properties.events();
    }

    @GetMapping("/{id}")
    ProfileResponse get(Caller caller, @PathVariable String id) {
        Profile profile = existing(caller, id);
        Map<String, JsonNode> values = new LinkedHashMap<>();
        traits.traitsOf(profile.workspaceId(), id).forEach(t -> values.put(t.key(), t.value()));
        return new ProfileResponse(id, values, profile.createdAt(), profile.updatedAt());
    }

    @GetMapping("/{id}/traits")
    ProfileTraitsResponse traits(Caller caller, @PathVariable String id) {
        Profile profile = existing(caller, id);
        Map<String, ProfileTraitsResponse.Trait> provenance = new LinkedHashMap<>();
        for (TraitObservation t : traits.traitsOf(profile.workspaceId(), id)) {
            provenance.put(t.key(), new ProfileTraitsResponse.Trait(t.value(), t.sourceId(), t.messageId(),
                    t.observedAt()));
        }
        return new ProfileTraitsResponse(id, provenance);
    }

    @GetMapping("/{id}/events")
    EventPageResponse events(Caller caller, @PathVariable String id,
                             @RequestParam(required = false) String limit,
                             @RequestParam(required = false) String cursor) {
        caller.require(SCOPE);
        int pageSize = limit(limit);
        Optional<EventPosition> after = Optional.ofNullable(cursor).map(EventCursor::decode);
        Profile profile = existing(caller, id);
        EventPage page = events.page(profile.workspaceId(), id, after, pageSize);
        return new EventPageResponse(page.items().stream().map(ProfileController::event).toList(),
                page.next().map(EventCursor::encode).orElse(null));
    }

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

    private static EventPageResponse.Event event(StoredEvent e) {
        return new EventPageResponse.Event(e.messageId(), e.type(), e.name(), e.occurredAt(), e.receivedAt(),
                e.sourceId(), e.payload().get("properties"), e.payload().get("context"), e.payload().get("traits"));
    }
}
