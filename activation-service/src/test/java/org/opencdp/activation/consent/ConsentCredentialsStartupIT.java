package org.opencdp.activation.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opencdp.activation.ActivationServiceApplication;
import org.opencdp.testsupport.CdpTestEnvironment;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Issues 12 and 16: in JWKS mode without {@code CDP_SERVICE_SECRET} activation has nothing to sign
 * its consent credential with, and the whole application refuses to start saying what to set,
 * rather than running with every delivery pending; with the secret it starts. Real Kafka and
 * PostgreSQL, so nothing but the secret can be what stops it.
 */
@ExtendWith(CdpTestEnvironment.class)
class ConsentCredentialsStartupIT {

    @Test
    void shouldRefuseToStartInJwksModeWithoutAServiceSecretSayingWhatToSet() {
        assertThatThrownBy(() -> ActivationServiceApplication.application().run(arguments(""))).rootCause()
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("activation-service cannot call consent-service without a service secret")
                .hasMessageContaining("set cdp.kit.security.service-secret (env CDP_SERVICE_SECRET");
    }

    @Test
    void shouldStartInJwksModeWithAServiceSecret() {
        try (ConfigurableApplicationContext context = ActivationServiceApplication.application()
                .run(arguments(ConsentSettings.SERVICE_SECRET))) {
            assertThat(context.getBean(ConsentClient.class)).isNotNull();
        }
    }

    /** The test infrastructure, users' tokens from a JWKS (no JWT secret) and {@code serviceSecret}. */
    private static String[] arguments(String serviceSecret) {
        Map<String, Object> settings = new LinkedHashMap<>(CdpTestEnvironment.current().springProperties());
        settings.put("cdp.kit.security.jwt-secret", "");
        settings.put("cdp.kit.security.jwks-uri", ConsentSettings.JWKS_URI);
        settings.put("cdp.kit.security.issuer", ConsentSettings.ISSUER);
        settings.put("cdp.kit.security.service-secret", serviceSecret);
        // without a JWT secret to derive it from, destination credentials need a key of their own
        settings.put("cdp.activation.encryption-key", Base64.getEncoder().encodeToString(new byte[32]));
        settings.put("server.port", 0);
        return settings.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    }
}
