package org.opencdp.activation.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.opencdp.contracts.MessageCodec;
import org.opencdp.kit.KitProperties;
import org.opencdp.kit.security.ServiceCredentials;

/**
 * Issues 12 and 16: activation cannot ask consent-service without a service secret, and says so at
 * start-up instead of leaving every delivery pending. {@code ConsentCredentialsStartupIT} proves the
 * same on the whole application.
 */
class ConsentClientTest {

    @Test
    void shouldRefuseToBeCreatedInJwksModeWithoutAServiceSecretSayingWhatToSet() {
        assertThat(credentials(ConsentSettings.jwksWithoutServiceSecret()).available()).isFalse();

        assertThatThrownBy(() -> new ConsentClient(ConsentSettings.activation("http://localhost:8086"),
                credentials(ConsentSettings.jwksWithoutServiceSecret()), MessageCodec.mapper()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot call consent-service without a service secret")
                .hasMessageContaining("cdp.kit.security.service-secret")
                .hasMessageContaining("CDP_SERVICE_SECRET")
                .hasMessageContaining("the same on every service");
    }

    @Test
    void shouldBeCreatedInEitherModeWithTheSecretItSigns() {
        assertThatNoException().isThrownBy(() -> new ConsentClient(ConsentSettings.activation("http://localhost:8086"),
                credentials(ConsentSettings.jwks()), MessageCodec.mapper()));
        assertThatNoException().isThrownBy(() -> new ConsentClient(ConsentSettings.activation("http://localhost:8086"),
                credentials(ConsentSettings.hmac()), MessageCodec.mapper()));
    }

    /** The credentials the kit's bean gives activation under {@code security} (SecurityConfiguration). */
    static ServiceCredentials credentials(KitProperties.Security security) {
        return new ServiceCredentials(security.effectiveServiceSecret(), "activation");
    }
}
