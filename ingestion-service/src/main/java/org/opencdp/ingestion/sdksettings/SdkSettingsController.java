package org.opencdp.ingestion.sdksettings;

import jakarta.servlet.http.HttpServletRequest;
import org.opencdp.ingestion.tracking.BasicCredentials;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The settings browser and mobile SDKs fetch before they send anything, served for the source a
 * write key belongs to, so an SDK pointed at this platform loads without Segment's CDN or
 * RudderStack's control plane: Segment's {@code GET /v1/projects/{writeKey}/settings} (analytics-next
 * {@code cdnURL}, analytics-kotlin / analytics-swift {@code cdnHost}) and RudderStack's {@code GET
 * /sourceConfig} (JavaScript SDK {@code configUrl}; the write key as the Basic user name, which its
 * SDK sends, or {@code ?writeKey=}). Public (the write key is the credential, as for the Tracking
 * API); an unknown key and a disabled source's key both answer 404 {@code source_not_found}.
 */
@RestController
class SdkSettingsController {

    private final SdkSettingsService settings;

    SdkSettingsController(SdkSettingsService settings) {
        this.settings = settings;
    }

    @GetMapping({"/v1/projects/{writeKey}/settings", "/v1/projects/{writeKey}/settings/"})
    ResponseEntity<SegmentSettings> segment(@PathVariable String writeKey, HttpServletRequest request) {
        return cached(settings.segment(writeKey, request));
    }

    @GetMapping({"/sourceConfig", "/sourceConfig/"})
    ResponseEntity<RudderStackSourceConfig> rudderStack(
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
            HttpServletRequest request) {
        String writeKey = BasicCredentials.writeKey(authorization);
        return cached(settings.rudderStack(writeKey != null ? writeKey : request.getParameter("writeKey")));
    }

    private <T> ResponseEntity<T> cached(T body) {
        return ResponseEntity.ok().cacheControl(CacheControl.maxAge(settings.maxAge()).cachePublic()).body(body);
    }
}
