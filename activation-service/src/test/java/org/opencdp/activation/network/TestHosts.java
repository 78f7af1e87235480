package org.opencdp.activation.network;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * Host names an IT controls: the service resolves destination hosts through this map first (then the
 * system resolver), so a test can point a name at any address and re-point it between save and send
 * (DNS rebinding). The build machine has no DNS, so public example names are mapped here too. Add it
 * to an IT with {@code @Import(TestHosts.Config.class)}.
 */
public final class TestHosts {

    private static final Map<String, InetAddress[]> NAMES = new ConcurrentHashMap<>();

    static {
        point("example.com", "93.184.215.14");
        point("evil.example", "93.184.215.15");
    }

    /** From now on {@code name} resolves to {@code addresses}. */
    public static void point(String name, String... addresses) {
        InetAddress[] resolved = new InetAddress[addresses.length];
        for (int i = 0; i < addresses.length; i++) {
            try {
                resolved[i] = InetAddress.getByName(addresses[i]); // literals only: no lookup
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(addresses[i], e);
            }
        }
        NAMES.put(name, resolved);
    }

    static InetAddress[] resolve(String host) throws UnknownHostException {
        InetAddress[] mapped = NAMES.get(host);
        return mapped != null ? mapped.clone() : InetAddress.getAllByName(host);
    }

    @TestConfiguration(proxyBeanMethods = false)
    public static class Config {

        @Bean
        @Primary
        HostResolver testHostResolver() {
            return TestHosts::resolve;
        }
    }

    private TestHosts() {
    }
}
