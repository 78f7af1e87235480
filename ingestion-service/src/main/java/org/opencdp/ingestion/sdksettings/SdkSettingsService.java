package org.opencdp.ingestion.sdksettings;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.time.Duration;
import org.opencdp.ingestion.IngestionProperties;
import org.opencdp.ingestion.sources.SourceDirectory;
import org.opencdp.ingestion.sources.SourceDirectory.WriteKeySource;
import org.opencdp.kit.problem.CdpException;
import org.opencdp.kit.problem.ErrorKind;
import org.springframework.stereotype.Service;

/**
 * Builds each SDK's settings for the enabled source of a write key. Where events go (Segment's
 * {@code apiHost} and {@code protocol}) is {@code cdp.ingestion.sdk.public-url} when set (the
 * address clients reach ingestion at, e.g. behind a proxy), else the scheme and {@code Host} of the
 * settings request itself: the SDK reached ingestion there, so it can send there.
 */
@Service
class SdkSettingsService {

    private final SourceDirectory sources;
    private final IngestionProperties.Sdk properties;
    private final URI publicUrl;

    SdkSettingsService(SourceDirectory sources, IngestionProperties properties) {
        this.sources = sources;
        this.properties = properties.sdk();
        this.publicUrl = this.properties.publicUrl().isBlank() ? null : URI.create(this.properties.publicUrl().strip());
    }

    SegmentSettings segment(String writeKey, HttpServletRequest request) {
        WriteKeySource source = enabledSource(writeKey);
        String protocol = publicUrl != null ? publicUrl.getScheme() : request.getScheme();
        String host = publicUrl != null ? publicUrl.getRawAuthority() : hostOf(request);
        return SegmentSettings.of(writeKey, host + "/v1", protocol, source);
    }

    RudderStackSourceConfig rudderStack(String writeKey) {
        if (writeKey == null || writeKey.isBlank()) {
            throw CdpException.unauthorized("missing_write_key", "Send the source's write key as the HTTP Basic "
                    + "username (empty password) or as '?writeKey='.");
        }
        return RudderStackSourceConfig.of(writeKey, enabledSource(writeKey));
    }

    Duration maxAge() {
        return properties.settingsMaxAge();
    }

    private WriteKeySource enabledSource(String writeKey) {
        return sources.enabledSourceOf(writeKey).orElseThrow(() -> new CdpException(ErrorKind.NOT_FOUND, "source_not_found", "Source not found",
                "No enabled source has this write key."));
    }

    /** {@code host[:port]} as the client addressed it. */
    private static String hostOf(HttpServletRequest request) {
        String host = request.getHeader("Host");
        if (host != null && !host.isBlank()) {
            return host.strip();
        }
        int port = request.getServerPort();
        boolean standard = ("http".equals(request.getScheme()) && port == 80)
                || ("https".equals(request.getScheme()) && port == 443);
        return request.getServerName() + (standard ? "" : ":" + port);
    }
}
