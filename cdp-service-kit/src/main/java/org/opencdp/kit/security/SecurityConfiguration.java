package org.opencdp.kit.security;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.ArrayList;
import java.util.List;
import org.opencdp.kit.KitProperties;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Bearer-token authentication for management endpoints, and its description in the OpenAPI document. */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {

    static {
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(Caller.class);
    }

    @Bean
    JwtVerifier jwtVerifier(KitProperties properties) {
        return new JwtVerifier(properties.security());
    }

    @Bean
    ServiceCredentials serviceCredentials(KitProperties properties) {
        return new ServiceCredentials(properties.security().effectiveServiceSecret(), properties.service());
    }

    @Bean
    FilterRegistrationBean<BearerAuthenticationFilter> bearerAuthenticationFilter(
            JwtVerifier verifier, KitProperties properties, ObjectProvider<PublicPaths> servicePublicPaths) {
        List<String> publicPaths = new ArrayList<>(properties.security().publicPaths());
        servicePublicPaths.orderedStream().forEach(paths -> publicPaths.addAll(paths.patterns()));
        var registration = new FilterRegistrationBean<>(new BearerAuthenticationFilter(verifier, publicPaths));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 50);
        return registration;
    }

    @Bean
    FilterRegistrationBean<ManagementLimitsFilter> managementLimitsFilter(KitProperties properties) {
        var registration = new FilterRegistrationBean<>(new ManagementLimitsFilter(properties.limits()));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 51);
        return registration;
    }

    @Bean
    WebMvcConfigurer callerArgumentResolverConfigurer() {
        return new WebMvcConfigurer() {
            @Override
            public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
                resolvers.add(new CallerArgumentResolver());
            }
        };
    }

    @Bean
    OpenAPI cdpOpenApi(KitProperties properties) {
        return new OpenAPI()
                .info(new io.swagger.v3.oas.models.info.Info().title("OpenCDP " + properties.service() + " service")
                        .version("v1"))
                .components(new Components().addSecuritySchemes("bearer",
                        new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer").bearerFormat("JWT")))
                .addSecurityItem(new SecurityRequirement().addList("bearer"));
    }
}
