package org.opencdp.profile.identifiers;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import org.opencdp.contracts.EventResolved;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.IdentifierTypes;

/**
 * The identifiers the profile service keeps of an event: the ones identity-service resolved it with
 * ({@link EventResolved#identifiers()}: normalised under the workspace's identifier rules, with its
 * custom identifiers, blocked values left out), never worked out again here, so this index holds
 * exactly what identity holds. Of those, only what PostgreSQL can keep as a B-tree key is stored.
 * Pure: no I/O.
 */
public final class Identifiers {

    /** Longest identifier value kept (it is a B-tree key); identity may keep longer ones. */
    public static final int MAX_VALUE_LENGTH = 255;

    private static final Comparator<Identifier> ORDER = Comparator.comparing(Identifier::type)
            .thenComparing(Identifier::value);

    /**
     * The identifiers of {@code resolved} this service stores, sorted by type then value (the order
     * rows are written in), each once. Left out: a value longer than {@value #MAX_VALUE_LENGTH}
     * characters or holding U+0000 (PostgreSQL refuses it in text), and anything a malformed message
     * holds that is no identifier at all (a null, a blank value, a malformed type name).
     */
    public static List<Identifier> storable(List<Identifier> resolved) {
        TreeSet<Identifier> kept = new TreeSet<>(ORDER);
        for (Identifier identifier : resolved == null ? List.<Identifier>of() : resolved) {
            if (isStorable(identifier)) {
                kept.add(identifier);
            }
        }
        return new ArrayList<>(kept);
    }

    /** Whether {@code identifier} can be a row of this service's index. */
    public static boolean isStorable(Identifier identifier) {
        return identifier != null && IdentifierTypes.isWellFormed(identifier.type()) && identifier.value() != null
                && !identifier.value().isBlank() && identifier.value().length() <= MAX_VALUE_LENGTH
                && identifier.value().indexOf('\u0000') < 0;
    }

    private Identifiers() {
    }
}
