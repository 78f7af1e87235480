package org.opencdp.consent.purposes;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A jurisdiction code: a region or country ({@code EU}, {@code US}, {@code BR}) optionally with a
 * subdivision ({@code US-CA}). Stored upper-case. {@link #ANYWHERE} keys the default for every
 * jurisdiction not listed.
 */
public final class Jurisdiction {

    public static final String ANYWHERE = "*";
    private static final Pattern CODE = Pattern.compile("^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,3})?$");

    public static boolean isValid(String code) {
        return code != null && CODE.matcher(code).matches();
    }

    /** The canonical (upper-case) form of a valid code; {@code null} stays {@code null}. */
    public static String normalize(String code) {
        return code == null ? null : code.toUpperCase(Locale.ROOT);
    }

    /** The parent of a subdivision ({@code US} for {@code US-CA}), or {@code null}. */
    static String parentOf(String code) {
        int dash = code.indexOf('-');
        return dash > 0 ? code.substring(0, dash) : null;
    }

    private Jurisdiction() {
    }
}
