package org.opencdp.activation.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Issue 14: the settings' defaults live in {@link ActivationProperties} only, and the environment
 * sets each by relaxed binding (what docker-compose.yml and k8s rely on), with no yml placeholder.
 */
class ActivationPropertiesTest {

    @Test
    void shouldWorkLocallyWithNothingSet() {
        ActivationProperties properties = bind(Map.of());

        assertThat(properties.consent().url()).isEqualTo(URI.create("http://localhost:8086"));
        assertThat(properties.consent().timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(properties.retryFor()).isEqualTo(Duration.ofHours(4));
        assertThat(properties.network().allow()).isEmpty();
        assertThat(properties.batchSize()).isEqualTo(100);
        assertThat(properties.destinationsPerRound()).isEqualTo(100);
        // current API versions (issue 13): Marketing API v21.0 and Google Ads API v17 were retired
        assertThat(properties.apis().meta()).isEqualTo(URI.create("https://graph.facebook.com/v27.0"));
        assertThat(properties.apis().googleAds()).isEqualTo(URI.create("https://googleads.googleapis.com/v26"));
    }

    @Test
    void shouldTakeEachSettingFromItsEnvironmentVariable() {
        ActivationProperties properties = bind(Map.of("CDP_ACTIVATION_CONSENT_URL", "http://consent-service:8086",
                "CDP_ACTIVATION_CONSENT_TIMEOUT", "2s", "CDP_ACTIVATION_RETRY_FOR", "15m",
                "CDP_ACTIVATION_NETWORK_ALLOW", "127.0.0.0/8,::1", "CDP_ACTIVATION_DESTINATIONS_PER_ROUND", "20",
                "CDP_ACTIVATION_APIS_GOOGLE_ADS", "https://googleads.googleapis.com/v27"));

        assertThat(properties.consent().url()).isEqualTo(URI.create("http://consent-service:8086"));
        assertThat(properties.consent().timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(properties.retryFor()).isEqualTo(Duration.ofMinutes(15));
        assertThat(properties.network().allow()).containsExactly("127.0.0.0/8", "::1");
        assertThat(properties.destinationsPerRound()).isEqualTo(20);
        assertThat(properties.apis().googleAds()).isEqualTo(URI.create("https://googleads.googleapis.com/v27"));
    }

    private static ActivationProperties bind(Map<String, Object> environment) {
        StandardEnvironment spring = new StandardEnvironment();
        spring.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        environment));
        spring.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        return new Binder(ConfigurationPropertySources.get(spring), null, null)
                .bindOrCreate("cdp.activation", ActivationProperties.class);
    }
}
