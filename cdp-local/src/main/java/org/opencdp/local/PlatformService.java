package org.opencdp.local;

import java.util.function.Supplier;
import org.opencdp.activation.ActivationServiceApplication;
import org.opencdp.consent.ConsentServiceApplication;
import org.opencdp.identity.IdentityServiceApplication;
import org.opencdp.ingestion.IngestionServiceApplication;
import org.opencdp.profile.ProfileServiceApplication;
import org.opencdp.segmentation.SegmentationServiceApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * The six services of the platform, in start order, with their default ports (DESIGN.md §5) and the
 * builder each service module exposes ({@code <Name>ServiceApplication.application()}).
 */
public enum PlatformService {

    INGESTION("ingestion", 8081, IngestionServiceApplication::application),
    IDENTITY("identity", 8082, IdentityServiceApplication::application),
    PROFILE("profile", 8083, ProfileServiceApplication::application),
    SEGMENTATION("segmentation", 8084, SegmentationServiceApplication::application),
    ACTIVATION("activation", 8085, ActivationServiceApplication::application),
    CONSENT("consent", 8086, ConsentServiceApplication::application);

    private final String shortName;
    private final int defaultPort;
    private final Supplier<SpringApplicationBuilder> application;

    PlatformService(String shortName, int defaultPort, Supplier<SpringApplicationBuilder> application) {
        this.shortName = shortName;
        this.defaultPort = defaultPort;
        this.application = application;
    }

    /** {@code ingestion}, {@code identity}, …: the name used in options such as {@code --ingestion-port}. */
    public String shortName() {
        return shortName;
    }

    /** {@code ingestion-service}, …: the module and configuration name. */
    public String serviceName() {
        return shortName + "-service";
    }

    public int defaultPort() {
        return defaultPort;
    }

    /** A new builder for this service (its {@code spring.config.name} already set). */
    public SpringApplicationBuilder application() {
        return application.get();
    }
}
