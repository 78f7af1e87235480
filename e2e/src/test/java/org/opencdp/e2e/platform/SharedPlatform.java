package org.opencdp.e2e.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opencdp.local.LocalPlatform;
import org.opencdp.local.LocalPlatformSettings;
import org.opencdp.local.PlatformService;
import org.opencdp.testsupport.ApiClient;
import org.opencdp.testsupport.TestInfrastructure;

/**
 * The six services, started once for every e2e test class of this JVM (each test keeps to
 * workspaces of its own, so they can share it) on real Kafka and PostgreSQL of their own, and
 * stopped after the last test class: starting them takes most of a minute on two cores. Use as
 * {@code @ExtendWith(SharedPlatform.class)}. Tokens must carry {@link Tokens#ISSUER} and {@link
 * Tokens#AUDIENCE}, as in a deployment with an identity provider; destinations may point at
 * loopback (the tests' stub receivers).
 */
public final class SharedPlatform implements BeforeAllCallback {

    private static LocalPlatform platform;
    private static TestInfrastructure infrastructure;
    private static Tokens tokens;
    private static LogCapture logs;
    private static WebhookReceiver webhook;
    private static OtlpReceiver traces;

    @Override
    public void beforeAll(ExtensionContext context) {
        // the root store closes what it holds once, after every test class of the run
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .computeIfAbsent(SharedPlatform.class, key -> (AutoCloseable) SharedPlatform::stop, AutoCloseable.class);
        get();
    }

    private static synchronized void stop() {
        if (webhook != null) {
            webhook.close();
            webhook = null;
        }
        if (platform != null) {
            platform.close();
            platform = null;
        }
        if (infrastructure != null) {
            infrastructure.close();
            infrastructure = null;
        }
        if (traces != null) {
            traces.close();
            traces = null;
        }
    }

    /** The infrastructure the platform runs on (its Kafka, for reading topics). */
    public static synchronized TestInfrastructure infrastructure() {
        get();
        return infrastructure;
    }

    /** The running platform, started on first use. */
    public static synchronized LocalPlatform get() {
        if (platform == null) {
            infrastructure = TestInfrastructure.start();
            traces = new OtlpReceiver();
            Map<PlatformService, Integer> ports = new EnumMap<>(PlatformService.class);
            for (PlatformService service : PlatformService.values()) {
                ports.put(service, freePort());
            }
            platform = LocalPlatform.start(new LocalPlatformSettings(infrastructure.bootstrapServers(),
                    infrastructure.jdbcUrl(), infrastructure.jdbcUser(), infrastructure.jdbcPassword(),
                    infrastructure.jwtSecret(), ports,
                    Map.of("cdp.kit.kafka.partitions", "3", "cdp.kit.outbox.poll-interval", "50ms",
                            "spring.datasource.hikari.maximum-pool-size", "4",
                            "cdp.kit.security.issuer", Tokens.ISSUER,
                            "cdp.kit.security.audience", Tokens.AUDIENCE,
                            "cdp.activation.network.allow", "127.0.0.0/8,::1,localhost",
                            // every service exports its spans over OTLP, as to a collector (issue 17)
                            "management.opentelemetry.tracing.export.otlp.endpoint", traces.endpoint(),
                            "management.opentelemetry.tracing.export.schedule-delay", "200ms")));
            tokens = new Tokens(infrastructure.jwtSecret());
            logs = LogCapture.attach();
        }
        return platform;
    }

    /** The spans every service exported since the platform started. */
    public static synchronized OtlpReceiver traces() {
        get();
        return traces;
    }

    /** One webhook receiver for every test's destinations (each test reads its own profiles' requests). */
    public static synchronized WebhookReceiver webhook() {
        if (webhook == null) {
            webhook = new WebhookReceiver();
        }
        return webhook;
    }

    /** What the platform has logged since it started. */
    public static synchronized LogCapture logs() {
        get();
        return logs;
    }

    /** Good and bad tokens for the platform's secret, issuer and audience. */
    public static synchronized Tokens tokens() {
        get();
        return tokens;
    }

    /** A good token for {@code workspaceId} with the space-separated {@code scopes}. */
    public static String token(String workspaceId, String scopes) {
        return tokens().valid(workspaceId, scopes);
    }

    /** A client of one service's HTTP API. */
    public static ApiClient api(PlatformService service) {
        return ApiClient.at(get().url(service).toString());
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private SharedPlatform() {
    }
}
