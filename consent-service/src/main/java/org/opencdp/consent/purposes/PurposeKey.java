package org.opencdp.consent.purposes;

import java.util.regex.Pattern;

/** A purpose key: lower-case letters, digits and underscores, starting with a letter, at most 64 long. */
public final class PurposeKey {

    public static final String REGEX = "^[a-z][a-z0-9_]{0,63}$";
    private static final Pattern PATTERN = Pattern.compile(REGEX);

    public static boolean isValid(String key) {
        return key != null && PATTERN.matcher(key).matches();
    }

    private PurposeKey() {
    }
}
