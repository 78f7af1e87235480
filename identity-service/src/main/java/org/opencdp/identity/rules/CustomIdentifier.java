package org.opencdp.identity.rules;

import java.util.List;

/**
 * An identifier type a workspace declares, and where events carry it.
 *
 * @param type the type name, e.g. {@code crm_id}
 * @param paths dotted paths into the event, each under {@code traits}, {@code context} or {@code
 *     properties}, e.g. {@code traits.crm_id} or {@code context.traits.crm_id}; the first that
 *     holds a string or number wins
 */
public record CustomIdentifier(String type, List<String> paths) {

    public CustomIdentifier {
        paths = List.copyOf(paths);
    }
}
