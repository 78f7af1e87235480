package org.opencdp.ingestion.tracking;

import jakarta.servlet.http.HttpServletRequest;
import org.opencdp.contracts.SegmentEvent.EventType;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The Segment-compatible Tracking API. Public paths (no bearer token): the write key comes as the
 * HTTP Basic username, as {@code ?writeKey=} (RudderStack's beacon path) or as {@code writeKey} in
 * the body. The body is the bytes {@link TrackingBodyFilter} read (gunzipped, size-checked), read as
 * JSON whatever the {@code Content-Type} says: SDKs send {@code application/json}, {@code
 * text/plain} (analytics.js and {@code navigator.sendBeacon}, to spare the browser a preflight),
 * {@code application/x-www-form-urlencoded} (rudder-sdk-node's gzip batches) or none. It never goes
 * through Spring's message converters, which would rebuild a form post from its parameters. A
 * {@code Sec-GPC: 1} header sets {@code context.gpc: true} on every event of the call ({@link
 * GlobalPrivacyControl}).
 */
@RestController
class TrackingController {

    private final TrackingService tracking;

    TrackingController(TrackingService tracking) {
        this.tracking = tracking;
    }

    @PostMapping({"/v1/identify", "/v1/identify/", "/v1/i", "/v1/i/"})
    TrackingResponse identify(HttpServletRequest request) {
        return single(EventType.identify, request);
    }

    @PostMapping({"/v1/track", "/v1/track/", "/v1/t", "/v1/t/"})
    TrackingResponse track(HttpServletRequest request) {
        return single(EventType.track, request);
    }

    @PostMapping({"/v1/page", "/v1/page/", "/v1/p", "/v1/p/"})
    TrackingResponse page(HttpServletRequest request) {
        return single(EventType.page, request);
    }

    @PostMapping({"/v1/screen", "/v1/screen/", "/v1/s", "/v1/s/"})
    TrackingResponse screen(HttpServletRequest request) {
        return single(EventType.screen, request);
    }

    @PostMapping({"/v1/group", "/v1/group/", "/v1/g", "/v1/g/"})
    TrackingResponse group(HttpServletRequest request) {
        return single(EventType.group, request);
    }

    @PostMapping({"/v1/alias", "/v1/alias/", "/v1/a", "/v1/a/"})
    TrackingResponse alias(HttpServletRequest request) {
        return single(EventType.alias, request);
    }

    @PostMapping({"/v1/batch", "/v1/batch/", "/v1/import", "/v1/import/", "/v1/b", "/v1/b/",
            "/beacon/v1/batch", "/beacon/v1/batch/"})
    TrackingResponse batch(HttpServletRequest request) {
        return tracking.batch(writeKey(request), GlobalPrivacyControl.requested(request), TrackingBodyFilter.bodyOf(request));
    }

    private TrackingResponse single(EventType type, HttpServletRequest request) {
        return tracking.single(type, writeKey(request), GlobalPrivacyControl.requested(request),
                TrackingBodyFilter.bodyOf(request));
    }

    /** The Basic user name, else {@code ?writeKey=}; null when neither (the body may have it). */
    private static String writeKey(HttpServletRequest request) {
        String basic = BasicCredentials.writeKey(request.getHeader(HttpHeaders.AUTHORIZATION));
        if (basic != null) {
            return basic;
        }
        String query = request.getParameter("writeKey");
        return query == null || query.isBlank() ? null : query;
    }
}
