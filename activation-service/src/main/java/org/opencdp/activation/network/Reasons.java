package org.opencdp.activation.network;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLException;
import org.apache.hc.core5.http.NoHttpResponseException;

/**
 * What a tenant may read about a failed call: a status and a short, printable reason. A receiver's
 * body is cut and stripped of control characters; an I/O failure is named by its kind only, never by
 * its message (which can name internal addresses).
 */
public final class Reasons {

    public static final int MAX_REASON = 120;

    /** {@code text} with control and format characters removed, whitespace collapsed, at most {@code MAX_REASON} characters. */
    public static String sanitise(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(cp -> {
            int type = Character.getType(cp);
            boolean invisible = type == Character.CONTROL || type == Character.FORMAT || type == Character.PRIVATE_USE
                    || type == Character.SURROGATE || type == Character.UNASSIGNED;
            out.appendCodePoint(invisible || Character.isWhitespace(cp) ? ' ' : cp);
        });
        String collapsed = out.toString().replaceAll(" +", " ").strip();
        if (collapsed.codePointCount(0, collapsed.length()) <= MAX_REASON) {
            return collapsed;
        }
        return collapsed.substring(0, collapsed.offsetByCodePoints(0, MAX_REASON - 1)) + "…";
    }

    /** {@code "HTTP <status>"}, plus the sanitised {@code detail} when there is one. */
    public static String ofStatus(int status, String detail) {
        String clean = sanitise(detail);
        return "HTTP " + status + (clean.isEmpty() ? "" : ": " + clean);
    }

    /** The kind of an I/O failure, without its message. */
    static String ofFailure(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return "connection refused";
            }
            if (t instanceof NoRouteToHostException) {
                return "no route to host";
            }
            if (t instanceof SocketTimeoutException || t instanceof InterruptedIOException) {
                return "timed out";
            }
            if (t instanceof UnknownHostException) {
                return "host does not resolve";
            }
            if (t instanceof SSLException) {
                return "TLS failure";
            }
            if (t instanceof NoHttpResponseException) {
                return "no answer (connection closed)";
            }
        }
        return "I/O error (" + e.getClass().getSimpleName() + ")";
    }

    private Reasons() {
    }
}
