package org.opencdp.profile.identifiers;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.opencdp.contracts.EventIdentifierFields;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.SegmentEvent;

/**
 * The identifiers an event carries, read from the fields every service reads ({@link
 * EventIdentifierFields}) and in the shared normal form ({@link Identifier#normalised}): trimmed,
 * e-mails lower-cased, phone numbers in E.164, types such as {@code ios.idfa} allowed. A phone
 * number without its country code is left out: the workspace's default region is identity-service's
 * to apply. Pure: no I/O.
 */
public final class Identifiers {

    /** Longest identifier value kept (it is a B-tree key). */
    static final int MAX_VALUE_LENGTH = 255;

    /** The identifiers of an event, sorted by type then value (the order rows are locked in). */
    public static List<Identifier> of(SegmentEvent event) {
        TreeSet<Identifier> found = new TreeSet<>(Comparator.comparing(Identifier::type).thenComparing(Identifier::value));
        for (EventIdentifierFields.Written written : EventIdentifierFields.of(event)) {
            normalise(written.type(), written.value()).ifPresent(found::add);
        }
        return new ArrayList<>(found);
    }

    /**
     * The stored form of an identifier, or empty when it cannot be one (not an identifier in the
     * shared normal form, longer than this service keeps, or holding U+0000, which PostgreSQL refuses).
     */
    public static Optional<Identifier> normalise(String type, String value) {
        return Identifier.normalised(type, value, MAX_VALUE_LENGTH)
                .filter(identifier -> identifier.value().indexOf('\u0000') < 0);
    }

    private Identifiers() {
    }
}
