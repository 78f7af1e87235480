package org.opencdp.activation.connector;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
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
 * Google Ads Customer Match through an offline user data job (REST): per dispatch round and
 * destination, {@code POST customers/{cid}/offlineUserDataJobs:create} (type {@code
 * CUSTOMER_MATCH_USER_LIST} for the configured user list), {@code …/{job}:addOperations} with a
 * {@code create} (entered) or {@code remove} (exited) of each profile's {@code userIdentifiers}
 * ({@code hashedEmail}, {@code hashedPhoneNumber}: normalised as Google documents, e-mail trimmed
 * and lower-cased with the dots of a gmail.com/googlemail.com local part removed, phone in E.164
 * with its {@code +}, then SHA-256 hex), at most {@value #MAX_OPERATIONS} operations per request,
 * then {@code …/{job}:run}. Every call carries {@code developer-token}, {@code Authorization:
 * Bearer} (an access token bought with the configured OAuth refresh token and kept until shortly
 * before it expires) and, when configured, {@code login-customer-id}. The round's deliveries share
 * the job's fate: delivered once the job runs, otherwise the outcome of the call that failed.
 */
@Component
class GoogleCustomerMatchConnector implements Connector {

    static final String TYPE = "google_ads_customer_match";
    static final String CUSTOMER_ID = "customerId";
    static final String USER_LIST_ID = "userListId";
    static final String LOGIN_CUSTOMER_ID = "loginCustomerId";
    static final String CLIENT_ID = "clientId";
    static final String DEVELOPER_TOKEN = "developerToken";
    static final String CLIENT_SECRET = "clientSecret";
    static final String REFRESH_TOKEN = "refreshToken";
    static final int MAX_OPERATIONS = 10_000;
    private static final Pattern CUSTOMER = Pattern.compile("[0-9]{3}-?[0-9]{3}-?[0-9]{4}");
    private static final Pattern LIST = Pattern.compile("[0-9]{1,20}");
    private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7e]{1,2048}");
    private static final Duration TOKEN_MARGIN = Duration.ofMinutes(5);

    private final AudienceCalls calls;
    private final OutboundHttp http;
    private final URI base;
    private final URI tokenEndpoint;
    private final Duration timeout;
    private final Clock clock;
    private final Map<String, AccessToken> tokens = new ConcurrentHashMap<>();

    @Autowired
    GoogleCustomerMatchConnector(OutboundHttp http, ActivationProperties properties, JsonMapper json) {
        this(http, properties.apis().googleAds(), properties.apis().googleOauthToken(), properties.sendTimeout(), json,
                Clock.systemUTC());
    }

    GoogleCustomerMatchConnector(OutboundHttp http, URI base, URI tokenEndpoint, Duration timeout, JsonMapper json,
                                 Clock clock) {
        this.calls = new AudienceCalls(http, timeout, json, clock);
        this.http = http;
        this.base = base;
        this.tokenEndpoint = tokenEndpoint;
        this.timeout = timeout;
        this.clock = clock;
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
        return Set.of(DEVELOPER_TOKEN, CLIENT_SECRET, REFRESH_TOKEN);
    }

    @Override
    public ConnectorConfig validate(ObjectNode config) {
        ConfigFields fields = new ConfigFields(config, TYPE, Set.of(CUSTOMER_ID, USER_LIST_ID, LOGIN_CUSTOMER_ID,
                CLIENT_ID, DEVELOPER_TOKEN, CLIENT_SECRET, REFRESH_TOKEN));
        String customer = fields.required(CUSTOMER_ID, CUSTOMER, "the Google Ads customer id (10 digits, dashes allowed)");
        String list = fields.required(USER_LIST_ID, LIST, "the Customer Match user list's id (digits)");
        String login = fields.optional(LOGIN_CUSTOMER_ID, CUSTOMER, "the manager account's customer id (10 digits)");
        String clientId = fields.required(CLIENT_ID, TOKEN, "the OAuth client id");
        String developerToken = fields.required(DEVELOPER_TOKEN, TOKEN, "the Google Ads API developer token");
        String clientSecret = fields.required(CLIENT_SECRET, TOKEN, "the OAuth client secret");
        String refreshToken = fields.required(REFRESH_TOKEN, TOKEN, "an OAuth refresh token with the adwords scope");
        fields.throwIfAny(TYPE);
        ObjectNode settings = calls.json().createObjectNode().put(CUSTOMER_ID, customer.replace("-", ""))
                .put(USER_LIST_ID, list).put(CLIENT_ID, clientId);
        if (login != null) {
            settings.put(LOGIN_CUSTOMER_ID, login.replace("-", ""));
        }
        return new ConnectorConfig(settings, calls.json().createObjectNode().put(DEVELOPER_TOKEN, developerToken)
                .put(CLIENT_SECRET, clientSecret).put(REFRESH_TOKEN, refreshToken));
    }

    @Override
    public Map<UUID, SendOutcome> send(ConnectorTarget target, List<OutboundDelivery> deliveries, Instant deadline) {
        AudienceChanges changes = AudienceChanges.of(TYPE, deliveries);
        Map<UUID, SendOutcome> outcomes = new LinkedHashMap<>(changes.settled());
        List<AudienceChanges.Change> all = new ArrayList<>(changes.adds());
        all.addAll(changes.removes());
        if (all.isEmpty()) {
            return outcomes;
        }
        AudienceChanges.settle(outcomes, all, runJob(target, changes, deadline));
        return outcomes;
    }

    private SendOutcome runJob(ConnectorTarget target, AudienceChanges changes, Instant deadline) {
        Result<String> token = accessToken(target, deadline);
        if (token.failure() != null) {
            return token.failure();
        }
        String customer = target.settings().path(CUSTOMER_ID).stringValue("");
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("developer-token", target.secrets().path(DEVELOPER_TOKEN).stringValue(""));
        headers.put("Authorization", "Bearer " + token.value());
        headers.put("User-Agent", "OpenCDP/1");
        String login = target.settings().path(LOGIN_CUSTOMER_ID).stringValue("");
        if (!login.isEmpty()) {
            headers.put("login-customer-id", login);
        }
        String root = base.toString().replaceAll("/+$", "");
        ObjectNode create = calls.json().createObjectNode();
        create.putObject("job").put("type", "CUSTOMER_MATCH_USER_LIST").putObject("customerMatchUserListMetadata")
                .put("userList", "customers/" + customer + "/userLists/" + target.settings().path(USER_LIST_ID)
                        .stringValue(""));
        Optional<Exchange> created = calls.call("POST", URI.create(root + "/customers/" + customer
                + "/offlineUserDataJobs:create"), headers, create, deadline);
        if (!(created.orElse(null) instanceof Exchange.Answered answered && answered.successful())) {
            return outcome(created);
        }
        String job = calls.answer(answered).path("resourceName").asString("");
        if (!job.startsWith("customers/" + customer + "/offlineUserDataJobs/")) {
            return new SendOutcome.RetryLater("the job was created without its resource name", null);
        }
        List<AudienceChanges.Change> all = new ArrayList<>(changes.adds());
        all.addAll(changes.removes());
        for (var part : AudienceChanges.parts(all, MAX_OPERATIONS, change -> 1)) {
            Optional<Exchange> added = calls.call("POST", URI.create(root + "/" + job + ":addOperations"), headers,
                    operations(part), deadline);
            if (!(added.orElse(null) instanceof Exchange.Answered ok && ok.successful())) {
                return outcome(added);
            }
        }
        Optional<Exchange> ran = calls.call("POST", URI.create(root + "/" + job + ":run"), headers,
                calls.json().createObjectNode(), deadline);
        return outcome(ran);
    }

    /** The {@code addOperations} body of {@code part}: a create or remove of each profile's hashed identifiers. */
    ObjectNode operations(List<AudienceChanges.Change> part) {
        ObjectNode body = calls.json().createObjectNode();
        ArrayNode operations = body.putArray("operations");
        for (AudienceChanges.Change change : part) {
            ArrayNode identifiers = operations.addObject().putObject(change.add() ? "create" : "remove")
                    .putArray("userIdentifiers");
            change.identifiers().emails().forEach(email -> identifiers.addObject()
                    .put("hashedEmail", Hashes.sha256Hex(normaliseEmail(email))));
            change.identifiers().phones().forEach(phone -> identifiers.addObject()
                    .put("hashedPhoneNumber", Hashes.sha256Hex(phone)));
        }
        return body;
    }

    /** Google's e-mail normal form: trimmed, lower-case, no dots before {@code @gmail.com} / {@code @googlemail.com}. */
    static String normaliseEmail(String email) {
        String lower = email.strip().toLowerCase(Locale.ROOT);
        int at = lower.lastIndexOf('@');
        if (at > 0) {
            String domain = lower.substring(at + 1);
            if (domain.equals("gmail.com") || domain.equals("googlemail.com")) {
                return lower.substring(0, at).replace(".", "") + lower.substring(at);
            }
        }
        return lower;
    }

    /** Google's errors: {@code STATUS: message}; 409 (a concurrent change of the list) is retried. */
    private SendOutcome outcome(Optional<Exchange> exchange) {
        if (exchange.orElse(null) instanceof Exchange.Answered answered && answered.status() == 409) {
            return new SendOutcome.RetryLater(Reasons.ofStatus(409, reason(answered)), answered.retryAfter());
        }
        return calls.outcome(exchange, this::reason);
    }

    private String reason(Exchange.Answered answered) {
        JsonNode error = calls.answer(answered).path("error");
        String status = error.path("status").asString("");
        String message = error.path("message").asString("");
        return status.isEmpty() ? message : status + ": " + message;
    }

    /** An access token for the destination: cached until {@link #TOKEN_MARGIN} before it expires, else bought. */
    private Result<String> accessToken(ConnectorTarget target, Instant deadline) {
        String refreshToken = target.secrets().path(REFRESH_TOKEN).stringValue("");
        String key = target.destinationId() + ":" + Hashes.sha256Hex(refreshToken);
        AccessToken cached = tokens.get(key);
        if (cached != null && clock.instant().isBefore(cached.expiresAt().minus(TOKEN_MARGIN))) {
            return new Result<>(cached.value(), null);
        }
        Duration left = Duration.between(clock.instant(), deadline);
        if (left.toMillis() <= 0) {
            return new Result<>(null, AudienceCalls.OUT_OF_TIME);
        }
        String form = "grant_type=refresh_token&client_id=" + encode(target.settings().path(CLIENT_ID).stringValue(""))
                + "&client_secret=" + encode(target.secrets().path(CLIENT_SECRET).stringValue(""))
                + "&refresh_token=" + encode(refreshToken);
        Exchange exchange = http.exchange(new OutboundHttp.Request("POST", tokenEndpoint, Map.of("User-Agent", "OpenCDP/1"),
                form.getBytes(StandardCharsets.UTF_8), "application/x-www-form-urlencoded"),
                left.compareTo(timeout) < 0 ? left : timeout, 16 * 1024);
        if (exchange instanceof Exchange.Answered answered && answered.successful()) {
            JsonNode body = calls.answer(answered);
            String value = body.path("access_token").asString("");
            if (!value.isEmpty()) {
                tokens.put(key, new AccessToken(value, clock.instant().plusSeconds(body.path("expires_in").asLong(3600))));
                return new Result<>(value, null);
            }
        }
        SendOutcome failed = SendOutcome.of(exchange, answered -> {
            JsonNode body = calls.answer(answered);
            return "OAuth token: " + body.path("error").asString("") + " " + body.path("error_description").asString("");
        });
        return new Result<>(null, failed instanceof SendOutcome.Delivered
                ? new SendOutcome.RetryLater("OAuth token: the answer held no access_token", null) : failed);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private record AccessToken(String value, Instant expiresAt) {
    }

    private record Result<T>(T value, SendOutcome failure) {
    }
}
