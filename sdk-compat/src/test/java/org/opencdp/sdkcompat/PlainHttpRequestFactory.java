package org.opencdp.sdkcompat;

import com.segment.analytics.kotlin.core.RequestFactory;
import java.net.HttpURLConnection;

/**
 * analytics-kotlin's extension point for its connections ({@code Configuration.requestFactory}): the
 * library builds {@code https://{cdnHost}/projects/{writeKey}/settings} and {@code
 * https://{apiHost}/b}; against a platform served over plain http (as here, or {@code ./cdp up}),
 * this opens them as {@code http://}. The README shows the same class for apps.
 */
final class PlainHttpRequestFactory extends RequestFactory {

    @Override
    public HttpURLConnection openConnection(String url) {
        return super.openConnection(url.startsWith("https://") ? "http://" + url.substring("https://".length()) : url);
    }
}
