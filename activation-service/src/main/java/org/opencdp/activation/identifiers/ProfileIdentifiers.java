package org.opencdp.activation.identifiers;

import java.util.List;

/**
 * What activation knows of how to reach one profile at an ad platform or CRM: its e-mail addresses
 * and phone numbers in their normal form ({@link org.opencdp.contracts.IdentifierValues}: e-mails
 * trimmed and lower-cased, phones in E.164), newest first, at most {@link #MAX_PER_TYPE} of each.
 */
public record ProfileIdentifiers(List<String> emails, List<String> phones) {

    public static final int MAX_PER_TYPE = 10;
    public static final ProfileIdentifiers NONE = new ProfileIdentifiers(List.of(), List.of());

    public ProfileIdentifiers {
        emails = List.copyOf(emails);
        phones = List.copyOf(phones);
    }

    public boolean isEmpty() {
        return emails.isEmpty() && phones.isEmpty();
    }

    @Override
    public String toString() {
        return "ProfileIdentifiers[" + emails.size() + " email(s), " + phones.size() + " phone(s)]";
    }
}
