package org.opencdp.ingestion.sdksettings;

import java.util.List;
import org.opencdp.kit.security.PublicPaths;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import org.springframework.web.filter.CorsFilter;

/**
 * The SDK settings paths: public (the write key is the credential) and readable from any origin,
 * since browser SDKs fetch them from the customer's site; RudderStack's sends its write key as Basic
 * credentials, which takes a CORS preflight.
 */
@Configuration(proxyBeanMethods = false)
class SdkSettingsWebConfiguration {

    static final List<String> PATHS = List.of("/v1/projects/{writeKey}/settings", "/v1/projects/{writeKey}/settings/",
            "/sourceConfig", "/sourceConfig/");

    @Bean
    PublicPaths sdkSettingsPaths() {
        return PublicPaths.of(PATHS);
    }

    @Bean
    FilterRegistrationBean<CorsFilter> sdkSettingsCorsFilter() {
        var cors = new CorsConfiguration();
        cors.addAllowedOrigin("*");
        cors.setAllowedMethods(List.of("GET", "HEAD", "OPTIONS"));
        cors.addAllowedHeader("*");
        cors.setAllowCredentials(false);
        cors.setMaxAge(86_400L);
        var source = new UrlBasedCorsConfigurationSource();
        PATHS.forEach(path -> source.registerCorsConfiguration(path, cors));
        var registration = new FilterRegistrationBean<>(new CorsFilter(source));
        registration.setUrlPatterns(List.of("/v1/projects/*", "/sourceConfig", "/sourceConfig/"));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }
}
