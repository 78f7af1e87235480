package org.opencdp.profile;

import java.util.LinkedHashMap;
import java.util.Map;
import org.opencdp.testsupport.TestInfrastructure;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The profile service started by hand on its own infrastructure, for tests that JUnit's Spring
 * extension cannot run (jqwik properties): Kafka listeners not started (tests hand records to them
 * with {@link ConsumerFeed}), the maintenance job off, an HTTP port picked at random.
 */
public final class ServiceUnderTest implements AutoCloseable {

    private final TestInfrastructure infrastructure;
    private final ConfigurableApplicationContext context;

    private ServiceUnderTest(TestInfrastructure infrastructure, ConfigurableApplicationContext context) {
        this.infrastructure = infrastructure;
        this.context = context;
    }

    /** Starts a broker, a database and the service, with {@code settings} on top of the defaults above. */
    public static ServiceUnderTest start(Map<String, Object> settings) {
        TestInfrastructure infrastructure = TestInfrastructure.start();
        Map<String, Object> all = new LinkedHashMap<>(infrastructure.springProperties());
        all.put("server.port", 0);
        all.put("spring.kafka.listener.auto-startup", false);
        all.put("cdp.profile.retention.maintenance-enabled", false);
        all.putAll(settings);
        ConfigurableApplicationContext context = ProfileServiceApplication.application()
                .run(all.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new));
        return new ServiceUnderTest(infrastructure, context);
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    public TestInfrastructure infrastructure() {
        return infrastructure;
    }

    @Override
    public void close() {
        context.close();
        infrastructure.close();
    }
}
