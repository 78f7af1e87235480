package org.opencdp.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfiguration;

/**
 * Marks a Spring Boot integration test that runs on real Kafka and real PostgreSQL, isolated from
 * every other test class (own broker, own database). Put it before {@code @SpringBootTest}:
 *
 * <pre>{@code
 * @CdpIntegrationTest
 * @SpringBootTest(classes = IdentityServiceApplication.class, webEnvironment = RANDOM_PORT,
 *         properties = "spring.config.name=identity-service")
 * class IdentityResolutionIT { ... }
 * }</pre>
 *
 * {@code CdpTestEnvironment.current()} gives the test its infrastructure (tokens, topic readers).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(CdpTestEnvironment.class)
@ContextConfiguration(initializers = CdpTestInfrastructureInitializer.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
public @interface CdpIntegrationTest {
}
