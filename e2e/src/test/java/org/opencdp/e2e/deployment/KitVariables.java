package org.opencdp.e2e.deployment;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.opencdp.kit.KitProperties;

/**
 * Environment variables a service reads although its yml has no placeholder for them: settings of
 * the kit ({@link KitProperties}, {@code cdp.kit.*}) that Spring binds from the environment by
 * relaxed binding. The deployment files may set these, and only these, besides the placeholders.
 */
final class KitVariables {

    /** Each variable with the {@link KitProperties} setting it binds to. */
    static final Map<String, String> ALL = Map.of(
            "CDP_KIT_KAFKA_CREATETOPICS", "kafka.createTopics",
            "CDP_KIT_KAFKA_PARTITIONS", "kafka.partitions",
            "CDP_KIT_KAFKA_REPLICATIONFACTOR", "kafka.replicationFactor");

    private KitVariables() {
    }

    /** Every variable of {@link #ALL} whose setting {@link KitProperties} does not have, or that would bind elsewhere. */
    static List<String> unbound() {
        List<String> problems = new ArrayList<>();
        ALL.forEach((variable, setting) -> {
            Class<?> type = KitProperties.class;
            StringBuilder relaxed = new StringBuilder("CDP_KIT");
            for (String part : setting.split("\\.")) {
                RecordComponent component = !type.isRecord() ? null : Arrays.stream(type.getRecordComponents())
                        .filter(c -> c.getName().equals(part)).findFirst().orElse(null);
                if (component == null) {
                    problems.add(variable + ": KitProperties has no setting " + setting);
                    return;
                }
                type = component.getType();
                relaxed.append('_').append(part.toUpperCase(Locale.ROOT));
            }
            if (!relaxed.toString().equals(variable)) {
                problems.add(variable + " does not bind to cdp.kit." + setting + "; the variable for it is " + relaxed);
            }
        });
        return problems;
    }
}
