package org.opencdp.ingestion.tracking;

import java.util.List;
import org.opencdp.ingestion.IngestionProperties;
import org.opencdp.kit.security.PublicPaths;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import org.springframework.web.filter.CorsFilter;

/**
 * The servlet filters of the Tracking API paths: CORS first (browsers post from any origin, and
 * even error answers carry the CORS headers), then the body filter (gzip, size caps; the body read
 * from its bytes, never as form parameters).
 */
@Configuration(proxyBeanMethods = false)
class TrackingWebConfiguration {

    /** The Tracking API authenticates with write keys, not bearer tokens. */
    @Bean
    PublicPaths trackingApiPaths() {
        return PublicPaths.of(TrackingPaths.ALL);
    }

    @Bean
    FilterRegistrationBean<CorsFilter> trackingCorsFilter() {
        var cors = new CorsConfiguration();
        cors.addAllowedOrigin("*");
        cors.setAllowedMethods(List.of("POST", "OPTIONS"));
        // any request header: SDKs add their own (analytics-next X-Retry-Count, RudderStack AnonymousId and SentAt)
        cors.addAllowedHeader("*");
        cors.setAllowCredentials(false);
        cors.setMaxAge(86_400L);
        var source = new UrlBasedCorsConfigurationSource();
        TrackingPaths.ALL.forEach(path -> source.registerCorsConfiguration(path, cors));
        var registration = new FilterRegistrationBean<>(new CorsFilter(source));
        registration.setUrlPatterns(TrackingPaths.ALL);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    @Bean
    FilterRegistrationBean<TrackingBodyFilter> trackingBodyFilter(IngestionProperties properties) {
        var registration = new FilterRegistrationBean<>(new TrackingBodyFilter(
                (int) Math.min(Integer.MAX_VALUE - 1, properties.maxRequestSize().toBytes())));
        registration.setUrlPatterns(TrackingPaths.ALL);
        // right after CORS: the body is read from its bytes before any filter could ask for parameters
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
        return registration;
    }
}
