package org.opencdp.activation.connector;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.opencdp.activation.config.ActivationProperties;
import org.opencdp.activation.identifiers.ProfileIdentifiers;
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
 * Meta Custom Audiences (Marketing API, {@code /{audience_id}/users}): a profile entering a
 * subscribed segment is added with {@code POST}, one leaving it removed with {@code DELETE}. The body
 * is Meta's multi-key payload, {@code {"payload": {"schema": ["EMAIL", "PHONE"], "data": [[email
 * hash, phone hash], …]}}}: one row per e-mail/phone pair of the profile ({@code ""} where it has
 * fewer of one), each value normalised as Meta documents (e-mail trimmed and lower-cased; phone the
 * digits of the E.164 number, country code included, no {@code +}) and SHA-256 hex-hashed; at most
 * {@value #MAX_ROWS} rows per request. The access token goes in {@code Authorization: Bearer}.
 *
 * <p>Meta answers throttling and transient failures with a 400 or 403 whose error code says so
 * (4, 17, 32, 613, 80003… or {@code is_transient}): those are retried, any other 4xx is permanent.
 */
@Component
class MetaAudienceConnector implements Connector {

    static final String TYPE = "meta_custom_audiences";
    static final String AUDIENCE_ID = "audienceId";
    static final String ACCESS_TOKEN = "accessToken";
    static final int MAX_ROWS = 10_000;
    /**
     * Meta's multi-key schema: an array of customer-file keys whose values are SHA-256 hashes. The
     * {@code EMAIL_SHA256}/{@code PHONE_SHA256} names belong to the single-key form, where {@code
     * schema} is one string (docs/destinations.md).
     */
    static final List<String> SCHEMA = List.of("EMAIL", "PHONE");
    /** Graph API error codes of throttling and temporary failures. */
    private static final Set<Integer> TRANSIENT_CODES = Set.of(1, 2, 4, 17, 32, 341, 613, 80003, 80004);
    private static final Pattern AUDIENCE = Pattern.compile("[0-9]{1,32}");
    private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7e]{1,2048}");

    private final AudienceCalls calls;
    private final URI base;

    @Autowired
    MetaAudienceConnector(OutboundHttp http, ActivationProperties properties, JsonMapper json) {
        this(http, properties.apis().meta(), properties.sendTimeout(), json, Clock.systemUTC());
    }

    MetaAudienceConnector(OutboundHttp http, URI base, Duration timeout, JsonMapper json, Clock clock) {
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
        ConfigFields fields = new ConfigFields(config, TYPE, Set.of(AUDIENCE_ID, ACCESS_TOKEN));
        String audienceId = fields.required(AUDIENCE_ID, AUDIENCE, "the Custom Audience's id (digits)");
        String token = fields.required(ACCESS_TOKEN, TOKEN,
                "an access token with ads_management permission (printable characters, no spaces)");
        fields.throwIfAny(TYPE);
        return new ConnectorConfig(calls.json().createObjectNode().put(AUDIENCE_ID, audienceId),
                calls.json().createObjectNode().put(ACCESS_TOKEN, token));
    }

    @Override
    public Map<UUID, SendOutcome> send(ConnectorTarget target, List<OutboundDelivery> deliveries, Instant deadline) {
        AudienceChanges changes = AudienceChanges.of(TYPE, deliveries);
        Map<UUID, SendOutcome> outcomes = new LinkedHashMap<>(changes.settled());
        URI uri = URI.create(base.toString().replaceAll("/+$", "") + "/"
                + target.settings().path(AUDIENCE_ID).stringValue("") + "/users");
        Map<String, String> headers = Map.of(
                "Authorization", "Bearer " + target.secrets().path(ACCESS_TOKEN).stringValue(""),
                "User-Agent", "OpenCDP/1");
        for (var part : AudienceChanges.parts(changes.adds(), MAX_ROWS, change -> rows(change.identifiers()).size())) {
            AudienceChanges.settle(outcomes, part, call("POST", uri, headers, part, deadline));
        }
        for (var part : AudienceChanges.parts(changes.removes(), MAX_ROWS,
                change -> rows(change.identifiers()).size())) {
            AudienceChanges.settle(outcomes, part, call("DELETE", uri, headers, part, deadline));
        }
        return outcomes;
    }

    /** The request body for {@code part}: Meta's multi-key payload of hashed rows. */
    ObjectNode body(List<AudienceChanges.Change> part) {
        ObjectNode body = calls.json().createObjectNode();
        ObjectNode payload = body.putObject("payload");
        SCHEMA.forEach(payload.putArray("schema")::add);
        ArrayNode data = payload.putArray("data");
        for (AudienceChanges.Change change : part) {
            for (List<String> row : rows(change.identifiers())) {
                ArrayNode out = data.addArray();
                row.forEach(out::add);
            }
        }
        return body;
    }

    /** One row per e-mail/phone pair, hashed; {@code ""} where the profile has fewer of one kind. */
    static List<List<String>> rows(ProfileIdentifiers identifiers) {
        int count = Math.max(identifiers.emails().size(), identifiers.phones().size());
        List<List<String>> rows = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String email = i < identifiers.emails().size() ? Hashes.sha256Hex(normaliseEmail(identifiers.emails().get(i)))
                    : "";
            String phone = i < identifiers.phones().size() ? Hashes.sha256Hex(normalisePhone(identifiers.phones().get(i)))
                    : "";
            rows.add(List.of(email, phone));
        }
        return rows;
    }

    /** Meta's e-mail normal form: trimmed, lower-case (already so in activation's normal form). */
    static String normaliseEmail(String email) {
        return email.strip().toLowerCase(java.util.Locale.ROOT);
    }

    /** Meta's phone normal form: digits only, country code included, no {@code +} or leading zeros. */
    static String normalisePhone(String e164) {
        return e164.replaceAll("[^0-9]", "").replaceFirst("^0+", "");
    }

    private SendOutcome call(String method, URI uri, Map<String, String> headers, List<AudienceChanges.Change> part,
                             Instant deadline) {
        Optional<Exchange> exchange = calls.call(method, uri, headers, body(part), deadline);
        if (exchange.isPresent() && exchange.get() instanceof Exchange.Answered answered
                && (answered.status() == 400 || answered.status() == 403)) {
            JsonNode error = calls.answer(answered).path("error");
            if (TRANSIENT_CODES.contains(error.path("code").asInt(0)) || error.path("is_transient").asBoolean(false)) {
                return new SendOutcome.RetryLater(Reasons.ofStatus(answered.status(), reason(error)),
                        answered.retryAfter());
            }
        }
        return calls.outcome(exchange, answered -> reason(calls.answer(answered).path("error")));
    }

    /** Meta's error: {@code "(#code) message"}, or nothing when the body is not a Graph API error. */
    private static String reason(JsonNode error) {
        String message = error.path("message").asString("");
        int code = error.path("code").asInt(0);
        return code == 0 || message.startsWith("(#") ? message : "(#" + code + ") " + message;
    }
}
