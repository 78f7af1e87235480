package org.opencdp.ingestion.tracking;

import org.opencdp.contracts.SegmentEvent.EventType;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The Segment-compatible Tracking API. Public paths (no bearer token): the write key comes as the
 * HTTP Basic username or as {@code writeKey} in the body. Bodies arrive here already gunzipped and
 * size-checked by {@link TrackingBodyFilter}; any content type is read as JSON (analytics.js may
 * send {@code text/plain} to spare the browser a CORS preflight).
 */
@RestController
class TrackingController {

    private final TrackingService tracking;

    TrackingController(TrackingService tracking) {
        this.tracking = tracking;
    }

    @PostMapping({"/v1/identify", "/v1/identify/", "/v1/i", "/v1/i/"})
    TrackingResponse identify(@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
                              @RequestBody(required = false) byte[] body) {
        return single(EventType.identify, authorization, body);
    }

    @PostMapping({"/v1/track", "/v1/track/", "/v1/t", "/v1/t/"})
    TrackingResponse track(@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
                           @RequestBody(required = false) byte[] body) {
        return single(EventType.track, authorization, body);
    }

    @PostMapping({"/v1/page", "/v1/page/", "/v1/p", "/v1/p/"})
    TrackingResponse page(@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
                          @RequestBody(required = false) byte[] body) {
        return single(EventType.page, authorization, body);
    }

    @PostMapping({"/v1/screen", "/v1/screen/", "/v1/s", "/v1/s/"})
    TrackingResponse screen(@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
                            @RequestBody(required = false) byte[] body) {
        return single(EventType.screen, authorization, body);
    }

    @PostMapping({"/v1/group", "/v1/group/", "/v1/g", "/v1/g/"})
    TrackingResponse group(@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
                           @RequestBody(required = false) byte[] body) {
        return single(EventType.group, authorization, body);
    }

    @PostMapping({"/v1/alias", "/v1/alias/", "/v1/a", "/v1/a/"})
    TrackingResponse alias(@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
                           @RequestBody(required = false) byte[] body) {
        return single(EventType.alias, authorization, body);
    }

    @PostMapping({"/v1/batch", "/v1/batch/", "/v1/import", "/v1/import/", "/v1/b", "/v1/b/"})
    TrackingResponse batch(@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
                           @RequestBody(required = false) byte[] body) {
        return tracking.batch(BasicCredentials.writeKey(authorization), orEmpty(body));
    }

    private TrackingResponse single(EventType type, String authorization, byte[] body) {
        return tracking.single(type, BasicCredentials.writeKey(authorization), orEmpty(body));
    }

    private static byte[] orEmpty(byte[] body) {
        return body == null ? new byte[0] : body;
    }
}
