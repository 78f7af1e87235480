package org.opencdp.activation.network;

import org.opencdp.activation.config.ActivationProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.opencdp.kit.tracing.TraceContexts;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The outbound network: the policy from {@code cdp.activation.network.allow}, the resolver and the HTTP client. */
@Configuration(proxyBeanMethods = false)
class NetworkConfiguration {

    private static final Logger log = LoggerFactory.getLogger(NetworkConfiguration.class);

    @Bean
    HostResolver systemHostResolver() {
        return HostResolver.system();
    }

    @Bean
    NetworkPolicy networkPolicy(ActivationProperties properties) {
        NetworkPolicy policy = NetworkPolicy.allowing(properties.network().allow());
        if (!properties.network().allow().isEmpty()) {
            log.warn("Destinations may reach non-public addresses: {} (cdp.activation.network.allow)", policy);
        }
        return policy;
    }

    @Bean(destroyMethod = "close")
    OutboundHttp outboundHttp(HostResolver hostResolver, NetworkPolicy policy, ActivationProperties properties,
                              TraceContexts traces) {
        return new OutboundHttp(new PublicAddressResolver(hostResolver, policy), properties.sendTimeout(), traces);
    }
}
