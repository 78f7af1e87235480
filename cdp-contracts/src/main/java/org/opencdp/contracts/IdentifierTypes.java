package org.opencdp.contracts;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The identifier types every service knows by name, and what makes a type name acceptable. The set
 * of types is open: {@code context.externalIds[]} and a workspace's custom identifiers add their own
 * (lower-case, e.g. {@code hubspot_id}, {@code ios.idfa}). The one place these names are declared.
 */
public final class IdentifierTypes {

    public static final String USER_ID = "user_id";
    public static final String ANONYMOUS_ID = "anonymous_id";
    public static final String EMAIL = "email";
    public static final String PHONE = "phone";
    public static final String DEVICE_ID = "device_id";
    public static final String ADVERTISING_ID = "advertising_id";

    /** The types every event can carry, in their default priority order. */
    public static final List<String> BUILT_IN = List.of(USER_ID, EMAIL, PHONE, DEVICE_ID, ADVERTISING_ID, ANONYMOUS_ID);

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.\\-]{0,63}");

    /** Whether {@code name} can name an identifier type: lower-case letters, digits, {@code _ . -}, at most 64. */
    public static boolean isWellFormed(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /**
     * The type {@code raw} names, trimmed and lower-cased (as {@code context.externalIds[].type} is
     * read), or empty when that is not a well-formed name.
     */
    public static Optional<String> normalise(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String name = raw.trim().toLowerCase(Locale.ROOT);
        return isWellFormed(name) ? Optional.of(name) : Optional.empty();
    }

    /** The rule a type name must follow, for error messages. */
    public static String nameRule() {
        return "lower-case letters, digits, '_', '.' or '-', starting with a letter or digit, at most 64 characters";
    }

    private IdentifierTypes() {
    }
}
