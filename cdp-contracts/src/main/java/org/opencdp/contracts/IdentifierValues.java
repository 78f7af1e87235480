package org.opencdp.contracts;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The normal form of identifier values, the one every service applies before it stores or looks up
 * an identifier: trimmed; an e-mail lower-cased and checked to be plausibly an address; a phone
 * number in E.164 (libphonenumber); any other type's value as trimmed. Two spellings of one
 * identifier have the same normal form, so a lookup anywhere gives identity-service's answer.
 */
public final class IdentifierValues {

    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s.]+(\\.[^@\\s.]+)+");
    private static final int MAX_EMAIL_LENGTH = 254;
    private static final int MAX_PHONE_LENGTH = 64;

    /**
     * The value {@code raw} stands for as an identifier of {@code type}: trimmed, e-mails lower-cased,
     * phone numbers in E.164 (a national number read in {@code defaultPhoneRegion}, or refused when
     * that is {@code null}); empty when it is {@code null}, blank, longer than {@code maxLength} or
     * invalid for its type.
     */
    public static Optional<String> normalise(String type, String raw, String defaultPhoneRegion, int maxLength) {
        if (raw == null) {
            return Optional.empty();
        }
        String trimmed = raw.trim();
        if (trimmed.isEmpty() || trimmed.length() > maxLength) {
            return Optional.empty();
        }
        return switch (type) {
            case IdentifierTypes.EMAIL -> email(trimmed);
            case IdentifierTypes.PHONE -> phone(trimmed, defaultPhoneRegion);
            default -> Optional.of(trimmed);
        };
    }

    /** The email trimmed and lower-cased, if it is plausibly an address ({@code local@domain.tld}). */
    public static Optional<String> email(String raw) {
        String email = raw.trim().toLowerCase(Locale.ROOT);
        if (email.length() > MAX_EMAIL_LENGTH || !EMAIL.matcher(email).matches()) {
            return Optional.empty();
        }
        return Optional.of(email);
    }

    /**
     * The phone number in E.164 ({@code +16502530000}) if libphonenumber finds it valid; a number
     * without a country code is read in {@code defaultRegion} (none: it is invalid).
     */
    public static Optional<String> phone(String raw, String defaultRegion) {
        String phone = raw.trim();
        if (phone.length() > MAX_PHONE_LENGTH) {
            return Optional.empty();
        }
        try {
            PhoneNumber number = PHONES.parse(phone, defaultRegion == null ? "ZZ" : defaultRegion);
            if (!PHONES.isValidNumber(number)) {
                return Optional.empty();
            }
            return Optional.of(PHONES.format(number, PhoneNumberUtil.PhoneNumberFormat.E164));
        } catch (NumberParseException e) {
            return Optional.empty();
        }
    }

    /** Whether libphonenumber knows {@code region} (ISO 3166-1 alpha-2, upper case). */
    public static boolean isPhoneRegion(String region) {
        return PHONES.getSupportedRegions().contains(region);
    }

    private IdentifierValues() {
    }
}
