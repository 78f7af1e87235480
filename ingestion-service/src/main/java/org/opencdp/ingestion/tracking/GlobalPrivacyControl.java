package org.opencdp.ingestion.tracking;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Enumeration;

/**
 * Global Privacy Control (issue 12): a browser with GPC on sends {@code Sec-GPC: 1} on every
 * request, the Tracking API's included. The signal is kept in each event of that request as {@code
 * context.gpc: true}, which consent-service records as an opt-out of {@code data_sale} and {@code
 * advertising}. The header wins over the body: a client cannot send the header and say {@code
 * false} in the event. Without the header the event keeps whatever its SDK put in {@code
 * context.gpc} (browser SDKs may copy {@code navigator.globalPrivacyControl} there). {@link
 * BatchDefaults#context} sets it, on a context of the event's own.
 */
final class GlobalPrivacyControl {

    static final String HEADER = "Sec-GPC";
    /** The member of an event's {@code context} that carries the signal. */
    static final String CONTEXT_FIELD = "gpc";

    /** Whether the request carries {@code Sec-GPC: 1}, the header's only valid value. */
    static boolean requested(HttpServletRequest request) {
        Enumeration<String> values = request.getHeaders(HEADER);
        while (values != null && values.hasMoreElements()) {
            if ("1".equals(values.nextElement().strip())) {
                return true;
            }
        }
        return false;
    }

    private GlobalPrivacyControl() {
    }
}
