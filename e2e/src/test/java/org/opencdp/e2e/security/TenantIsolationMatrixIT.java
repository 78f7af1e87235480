package org.opencdp.e2e.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;
import org.opentest4j.TestAbortedException;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.e2e.platform.SharedPlatform;
import org.opencdp.e2e.platform.Tokens;
import org.opencdp.kit.security.Scopes;
import org.opencdp.local.PlatformService;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.Workspaces;
import tools.jackson.databind.JsonNode;

/**
 * Issue 16: the tenant-isolation matrix. The six services run once; every management operation their
 * OpenAPI documents list (all but the public Tracking API, actuator and the documents themselves) is
 * called
 * <ul>
 *   <li>with a token for workspace A on workspace B's real resources: 404 exactly like a missing id,
 *       or, where nothing in the request names B's resources, an answer without any of B's data;
 *   <li>with a token of B lacking the operation's scope: 403 {@code missing_scope}; and with a token
 *       holding only one accepted scope: not refused ({@link ManagementOperations} is exact);
 *   <li>with no token and with each kind of bad token ({@link Tokens.Bad}): 401;
 * </ul>
 * and every error answer is an RFC 9457 problem. Afterwards B's resources are as they were.
 * Known gaps are listed, with their reasons, in {@link KnownFailures}.
 */
@ExtendWith(SharedPlatform.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TenantIsolationMatrixIT {

    private static final String ALL_SCOPES = String.join(" ", Scopes.ALL);
    private static final Pattern UUID_TEXT = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern INSTANT_TEXT = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T[0-9:.]+Z");

    private static Tokens tokens;
    private static List<ApiOperation> operations;
    /** A's token: every scope, nothing of its own. */
    private static String tokenA;
    private static String workspaceB;
    /** B's token: every scope. */
    private static String tokenB;
    private static TenantResources resourcesOfB;
    private static ResourceIds b;
    /** Ids that exist in no workspace: the answer B's ids must not be told apart from. */
    private static final ResourceIds MISSING = ResourceIds.missing();

    @BeforeAll
    static void startPlatformAndCreateWorkspaceB() {
        tokens = SharedPlatform.tokens();
        operations = new ArrayList<>();
        for (PlatformService service : PlatformService.values()) {
            operations.addAll(OpenApiDocs.managementOperations(service, api(service)));
        }
        tokenA = tokens.valid(Workspaces.fresh(), ALL_SCOPES);
        workspaceB = Workspaces.fresh();
        tokenB = tokens.valid(workspaceB, ALL_SCOPES);
        resourcesOfB = new TenantResources(TenantIsolationMatrixIT::api, tokenB);
        b = resourcesOfB.create(operations.stream()
                .anyMatch(operation -> operation.key().equals("POST /v1/privacy/requests")));
    }

    @Test
    @Order(0)
    void shouldKnowTheScopesOfEveryManagementOperationTheServicesDocument() {
        for (PlatformService service : PlatformService.values()) {
            assertThat(operations).as("management operations of %s", service)
                    .anyMatch(operation -> operation.service() == service);
        }
        assertThat(operations.stream().filter(operation -> ManagementOperations.of(operation) == null))
                .as("operations missing from ManagementOperations (add each with its scopes and a request body)")
                .isEmpty();
    }

    @TestFactory
    @Order(1)
    Stream<DynamicNode> aTokenForWorkspaceAFindsNothingOfWorkspaceB() {
        // reads first: a write of A's (e.g. consent for B's profile id, which A may record) must not
        // make a later read answer with A's own data about the same id
        return operations.stream().sorted(Comparator.comparing(operation -> !operation.method().equals("GET")))
                .map(operation -> dynamicTest(operation + " with A's token on B's resources → "
                        + (b.namedBy(operation) ? "404, as for a missing id" : "nothing of B"),
                checked("cross-tenant", operation, () -> assertCrossTenant(operation))));
    }

    @TestFactory
    @Order(2)
    Stream<DynamicNode> aTokenWithoutTheScopeIsRefused() {
        String workspaceC = Workspaces.fresh();
        return operations.stream().map(operation -> {
            if (ManagementOperations.of(operation) == null) {
                return dynamicTest(operation + " has scopes", () -> acceptedScopes(operation));
            }
            List<String> accepted = acceptedScopes(operation);
            List<DynamicNode> cases = new ArrayList<>();
            cases.add(dynamicTest(operation + " without " + String.join(" or ", accepted) + " → 403 missing_scope",
                    checked("missing-scope", operation, () -> {
                        String token = tokens.valid(workspaceB, String.join(" ", Scopes.ALL.stream()
                                .filter(scope -> !accepted.contains(scope)).toList()));
                        HttpResponse<String> answer = call(operation, b, token);
                        JsonNode problem = ApiClient.assertProblem(answer, 403, "missing_scope");
                        assertThat(problem.path("requiredScope").asString()).as(answer.body()).isIn(accepted);
                    })));
            for (String scope : accepted) {
                cases.add(dynamicTest(operation + " with only " + scope + " → not refused",
                        checked("only-scope:" + scope, operation, () -> {
                            HttpResponse<String> answer = call(operation, MISSING, tokens.valid(workspaceC, scope));
                            assertThat(answer.statusCode()).as("%s answered %s", operation, answer.body())
                                    .isNotIn(401, 403);
                            assertProblemIfError(answer);
                        })));
            }
            return dynamicContainer(operation.toString(), cases);
        });
    }

    @TestFactory
    @Order(3)
    Stream<DynamicNode> aMissingOrBadTokenIsUnauthorized() {
        String workspaceV = Workspaces.fresh();
        return operations.stream().map(operation -> dynamicContainer(operation.toString(),
                Stream.of(Tokens.Bad.values()).map(bad -> dynamicTest(operation + " with " + bad.description
                        + " → 401 " + bad.code, checked("token:" + bad.name(), operation, () -> {
                            HttpResponse<String> answer = call(operation, MISSING, tokens.bad(bad, workspaceV, ALL_SCOPES));
                            ApiClient.assertProblem(answer, 401, bad.code);
                            assertThat(answer.headers().firstValue("WWW-Authenticate")).as("WWW-Authenticate")
                                    .hasValueSatisfying(value -> assertThat(value).startsWith("Bearer"));
                        })))));
    }

    @Test
    @Order(4)
    void shouldLeaveWorkspaceBsResourcesAsTheyWere() {
        resourcesOfB.assertUnchanged(b);
    }

    private static void assertCrossTenant(ApiOperation operation) {
        acceptedScopes(operation);
        Object body = ManagementOperations.body(operation, b);
        String path = b.pathOf(operation);
        HttpResponse<String> answer = call(operation, path, tokenA, body);
        assertProblemIfError(answer);
        String request = path + " " + (body == null ? "" : MessageCodec.mapper().writeValueAsString(body));
        for (String secret : b.secrets()) {
            if (!request.contains(secret)) {
                assertThat(answer.body()).as("%s answered A with B's %s", operation, secret).doesNotContain(secret);
            }
        }
        boolean named = b.namedBy(operation);
        if (operation.method().equals("GET")) {
            // the control: B's own token finds what A must not, so the checks below are not vacuous
            HttpResponse<String> own = call(operation, path, tokenB, null);
            assertThat(own.statusCode()).as("control: B's own token on %s %s answered %s (give ResourceIds a real "
                    + "resource for it)", operation, path, own.body()).isEqualTo(200);
            if (!named) {
                assertThat(b.secrets()).as("control: B's own answer to %s shows some of B's data (else give B some): %s",
                        operation, own.body()).anyMatch(own.body()::contains);
            }
        }
        if (named || b.correspondence(MISSING).keySet().stream().anyMatch(request::contains)) {
            HttpResponse<String> missing = call(operation, MISSING.pathOf(operation), tokenA,
                    ManagementOperations.body(operation, MISSING));
            if (named) {
                assertThat(answer.statusCode()).as("%s on B's resource answered A %s", operation, answer.body())
                        .isEqualTo(404);
            }
            assertThat(normalised(answer, b.correspondence(MISSING)))
                    .as("%s: B's resource must answer A exactly as a missing one", operation)
                    .isEqualTo(normalised(missing, Map.of()));
        }
    }

    /** Status and body, with B's ids read as the missing ones and generated ids and times masked. */
    private static String normalised(HttpResponse<String> answer, Map<String, String> asIf) {
        String body = answer.body();
        for (Map.Entry<String, String> value : asIf.entrySet().stream()
                .sorted(Comparator.comparingInt((Map.Entry<String, String> entry) -> entry.getKey().length()).reversed())
                .toList()) {
            body = body.replace(value.getKey(), value.getValue());
        }
        body = UUID_TEXT.matcher(body).replaceAll("<uuid>");
        return answer.statusCode() + " " + INSTANT_TEXT.matcher(body).replaceAll("<instant>");
    }

    private static void assertProblemIfError(HttpResponse<String> answer) {
        if (answer.statusCode() >= 400) {
            ApiClient.assertProblem(answer, answer.statusCode(), ApiClient.json(answer).path("code").asString());
        }
    }

    private static List<String> acceptedScopes(ApiOperation operation) {
        ManagementOperations.Entry entry = ManagementOperations.of(operation);
        if (entry == null) {
            fail(operation + " is missing from ManagementOperations: add it with the scopes it accepts");
        }
        return entry.acceptedScopes();
    }

    private static HttpResponse<String> call(ApiOperation operation, ResourceIds ids, String token) {
        acceptedScopes(operation);
        return call(operation, ids.pathOf(operation), token, ManagementOperations.body(operation, ids));
    }

    private static HttpResponse<String> call(ApiOperation operation, String path, String token, Object body) {
        return api(operation.service()).call(operation.method(), path, token, body);
    }

    /** Runs {@code check}, or, for a case {@link KnownFailures} lists, expects it to fail and reports it as skipped. */
    private static Executable checked(String check, ApiOperation operation, Executable assertion) {
        String caseId = check + " " + operation.key();
        return () -> {
            String reason = KnownFailures.reason(caseId);
            if (reason == null) {
                assertion.execute();
                return;
            }
            try {
                assertion.execute();
            } catch (AssertionError failure) {
                throw new TestAbortedException("KNOWN FAILURE (" + caseId + "): " + reason + ". It fails with: "
                        + oneLine(failure.getMessage()));
            }
            fail("'" + caseId + "' is listed in KnownFailures (" + reason + ") but passes now: take it off the list");
        };
    }

    private static String oneLine(String message) {
        String line = String.valueOf(message).replaceAll("\\s+", " ").strip();
        return line.length() > 400 ? line.substring(0, 400) + "…" : line;
    }

    private static ApiClient api(PlatformService service) {
        return SharedPlatform.api(service);
    }

}
