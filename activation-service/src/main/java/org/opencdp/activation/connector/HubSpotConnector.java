package org.opencdp.activation.connector;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.opencdp.activation.config.ActivationProperties;
import org.opencdp.activation.network.Exchange;
import org.opencdp.activation.network.OutboundHttp;
import org.opencdp.activation.network.Reasons;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * HubSpot contacts ({@code POST /crm/v3/objects/contacts/batch/upsert}, at most {@value #MAX_INPUTS}
 * inputs per request, private-app token as {@code Authorization: Bearer}): a profile entering a
 * subscribed segment is upserted by e-mail ({@code "idProperty": "email"}, its newest e-mail) with
 * the destination's {@code membershipProperty} set to {@code "true"}; one leaving it, to {@code
 * "false"}. The property is a single checkbox contact property the portal defines, one per
 * destination. A {@code 207} answer refuses only the inputs its errors name; the rest are delivered.
 */
@Component
class HubSpotConnector implements Connector {

    static final String TYPE = "hubspot";
    static final String ACCESS_TOKEN = "accessToken";
    static final String MEMBERSHIP_PROPERTY = "membershipProperty";
    static final int MAX_INPUTS = 100;
    static final String NO_EMAIL = "not sent: no e-mail known for the profile yet (HubSpot contacts are upserted by e-mail)";
    private static final Pattern PROPERTY = Pattern.compile("[a-z][a-z0-9_]{0,99}");
    private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7e]{1,2048}");

    private final AudienceCalls calls;
    private final URI base;

    @Autowired
    HubSpotConnector(OutboundHttp http, ActivationProperties properties, JsonMapper json) {
        this(http, properties.apis().hubspot(), properties.sendTimeout(), json, Clock.systemUTC());
    }

    HubSpotConnector(OutboundHttp http, URI base, Duration timeout, JsonMapper json, Clock clock) {
        this.calls = new AudienceCalls(http, timeout, json, clock);
        this.base = base;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public boolean syncsAudiences() {
        return true;
    }

    @Override
    public Set<String> secretFields() {
        return Set.of(ACCESS_TOKEN);
    }

    @Override
    public ConnectorConfig validate(ObjectNode config) {
        ConfigFields fields = new ConfigFields(config, TYPE, Set.of(ACCESS_TOKEN, MEMBERSHIP_PROPERTY));
        String property = fields.required(MEMBERSHIP_PROPERTY, PROPERTY,
                "the internal name of a checkbox contact property (lower-case letters, digits, '_'), e.g. opencdp_vip");
        String token = fields.required(ACCESS_TOKEN, TOKEN, "a private app access token with crm.objects.contacts.write");
        fields.throwIfAny(TYPE);
        return new ConnectorConfig(calls.json().createObjectNode().put(MEMBERSHIP_PROPERTY, property),
                calls.json().createObjectNode().put(ACCESS_TOKEN, token));
    }

    @Override
    public Map<UUID, SendOutcome> send(ConnectorTarget target, List<OutboundDelivery> deliveries, Instant deadline) {
        AudienceChanges changes = AudienceChanges.of(TYPE, deliveries);
        Map<UUID, SendOutcome> outcomes = new LinkedHashMap<>(changes.settled());
        // one input per e-mail (HubSpot refuses a batch naming a contact twice): the last change wins
        Map<String, Input> byEmail = new LinkedHashMap<>();
        List<AudienceChanges.Change> all = new ArrayList<>(changes.adds());
        all.addAll(changes.removes());
        Map<UUID, Integer> position = new java.util.HashMap<>();
        deliveries.forEach(delivery -> position.put(delivery.id(), position.size()));
        all.sort(java.util.Comparator.comparingInt(change -> position.get(change.deliveries().getLast())));
        for (AudienceChanges.Change change : all) {
            if (change.identifiers().emails().isEmpty()) {
                change.deliveries().forEach(id -> outcomes.put(id, new SendOutcome.RetryLater(NO_EMAIL, null)));
                continue;
            }
            String email = change.identifiers().emails().getFirst();
            Input earlier = byEmail.remove(email);
            List<UUID> ids = new ArrayList<>(earlier == null ? List.of() : earlier.deliveries());
            ids.addAll(change.deliveries());
            byEmail.put(email, new Input(email, change.add(), ids));
        }
        URI uri = URI.create(base.toString().replaceAll("/+$", "") + "/crm/v3/objects/contacts/batch/upsert");
        Map<String, String> headers = Map.of(
                "Authorization", "Bearer " + target.secrets().path(ACCESS_TOKEN).stringValue(""),
                "User-Agent", "OpenCDP/1");
        String property = target.settings().path(MEMBERSHIP_PROPERTY).stringValue("");
        List<Input> inputs = List.copyOf(byEmail.values());
        for (int from = 0; from < inputs.size(); from += MAX_INPUTS) {
            List<Input> part = inputs.subList(from, Math.min(inputs.size(), from + MAX_INPUTS));
            outcomes.putAll(call(uri, headers, property, part, deadline));
        }
        return outcomes;
    }

    /** The request body for {@code part}. */
    ObjectNode body(String property, List<Input> part) {
        ObjectNode body = calls.json().createObjectNode();
        ArrayNode inputs = body.putArray("inputs");
        for (Input input : part) {
            ObjectNode one = inputs.addObject().put("idProperty", "email").put("id", input.email());
            one.putObject("properties").put("email", input.email()).put(property, input.member() ? "true" : "false");
        }
        return body;
    }

    private Map<UUID, SendOutcome> call(URI uri, Map<String, String> headers, String property, List<Input> part,
                                        Instant deadline) {
        Optional<Exchange> exchange = calls.call("POST", uri, headers, body(property, part), deadline);
        Map<UUID, SendOutcome> outcomes = new LinkedHashMap<>();
        if (exchange.isPresent() && exchange.get() instanceof Exchange.Answered answered && answered.status() == 207) {
            Map<String, String> refused = refusedEmails(calls.answer(answered));
            for (Input input : part) {
                String reason = refused.get(input.email());
                SendOutcome outcome = reason == null ? new SendOutcome.Delivered(207)
                        : new SendOutcome.Rejected(Reasons.ofStatus(207, reason));
                input.deliveries().forEach(id -> outcomes.put(id, outcome));
            }
            return outcomes;
        }
        SendOutcome outcome = calls.outcome(exchange, answered -> calls.answer(answered).path("message").asString(""));
        part.forEach(input -> input.deliveries().forEach(id -> outcomes.put(id, outcome)));
        return outcomes;
    }

    /** The e-mails a 207's errors name ({@code errors[].context.ids}), with the error's message. */
    private static Map<String, String> refusedEmails(JsonNode answer) {
        Map<String, String> refused = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (JsonNode error : answer.path("errors")) {
            for (JsonNode id : error.path("context").path("ids")) {
                String email = id.asString("").strip().toLowerCase(java.util.Locale.ROOT);
                if (seen.add(email)) {
                    refused.put(email, error.path("message").asString("refused"));
                }
            }
        }
        return refused;
    }

    /** One contact's upsert: its e-mail, whether it is in the audience, and the deliveries it settles. */
    record Input(String email, boolean member, List<UUID> deliveries) {
    }
}
