package org.opencdp.consent.purposes;

import static org.opencdp.kit.problem.InvalidField.pointerTo;

import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.opencdp.kit.problem.ValidationErrors;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The purposes a workspace declares and their default consent per jurisdiction. */
@Service
public class PurposeService {

    private final PurposeRepository purposes;

    PurposeService(PurposeRepository purposes) {
        this.purposes = purposes;
    }

    List<PurposeDefinition> list(String workspaceId) {
        return purposes.findAll(workspaceId);
    }

    /** Replaces the workspace's purposes with {@code definitions} (already Bean-validated). */
    @Transactional
    List<PurposeDefinition> replace(String workspaceId, List<PurposeDefinition> definitions) {
        ValidationErrors errors = new ValidationErrors();
        Set<String> keys = new HashSet<>();
        List<PurposeDefinition> normalized = new java.util.ArrayList<>();
        for (int i = 0; i < definitions.size(); i++) {
            PurposeDefinition definition = definitions.get(i);
            String field = pointerTo("purposes", i);
            if (!keys.add(definition.key())) {
                errors.add(field + "/key", "duplicate purpose '" + definition.key() + "'");
            }
            Map<String, Boolean> defaults = new TreeMap<>();
            definition.defaults().forEach((jurisdiction, granted) -> {
                if (!Jurisdiction.ANYWHERE.equals(jurisdiction) && !Jurisdiction.isValid(jurisdiction)) {
                    errors.add(field + pointerTo("defaults", jurisdiction),
                            "must be a jurisdiction code like EU, US or US-CA, or \"*\"");
                } else if (granted == null) {
                    errors.add(field + pointerTo("defaults", jurisdiction), "must be true or false");
                } else if (defaults.put(Jurisdiction.normalize(jurisdiction), granted) != null) {
                    errors.add(field + pointerTo("defaults", jurisdiction), "duplicate jurisdiction");
                }
            });
            normalized.add(new PurposeDefinition(definition.key(), definition.name(), definition.description(),
                    defaults));
        }
        errors.throwIfAny();
        purposes.replaceAll(workspaceId, normalized);
        return purposes.findAll(workspaceId);
    }

    /** The defaults of each of {@code keys}; an undeclared purpose is {@link PurposeDefaults#OPT_IN}. */
    public Map<String, PurposeDefaults> defaults(String workspaceId, Collection<String> keys) {
        Map<String, PurposeDefaults> declared = purposes.findDefaults(workspaceId, keys);
        Map<String, PurposeDefaults> result = new LinkedHashMap<>();
        keys.forEach(key -> result.put(key, declared.getOrDefault(key, PurposeDefaults.OPT_IN)));
        return result;
    }
}
