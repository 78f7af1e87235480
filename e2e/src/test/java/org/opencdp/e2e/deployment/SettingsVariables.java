package org.opencdp.e2e.deployment;

import java.lang.reflect.Constructor;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.opencdp.activation.config.ActivationProperties;
import org.opencdp.consent.ConsentProperties;
import org.opencdp.identity.IdentityProperties;
import org.opencdp.ingestion.IngestionProperties;
import org.opencdp.kit.KitProperties;
import org.opencdp.profile.config.ProfileProperties;
import org.opencdp.segmentation.SegmentationProperties;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Name;

/**
 * Environment variables a service reads although no yml names them: its settings records ({@link
 * KitProperties} under {@code cdp.kit}, its own under {@code cdp.<service>}), which Spring binds
 * from the environment by relaxed binding: {@code cdp.activation.max-attempts} from {@code
 * CDP_ACTIVATION_MAX_ATTEMPTS} or {@code CDP_ACTIVATION_MAXATTEMPTS}.
 */
final class SettingsVariables {

    private static final List<Class<?>> SETTINGS = List.of(KitProperties.class, ActivationProperties.class,
            ConsentProperties.class, IdentityProperties.class, IngestionProperties.class, ProfileProperties.class,
            SegmentationProperties.class);

    private SettingsVariables() {
    }

    /** Every variable that sets one of the kit's settings or one of {@code cdp.<kitService>.*}. */
    static Set<String> of(String kitService) {
        Set<String> variables = new TreeSet<>();
        for (Class<?> type : SETTINGS) {
            String prefix = type.getAnnotation(ConfigurationProperties.class).value();
            if (prefix.equals("cdp.kit") || prefix.equals("cdp." + kitService)) {
                collect(type, List.of(prefix.split("\\.")), variables);
            }
        }
        return variables;
    }

    private static void collect(Class<?> type, List<String> path, Set<String> into) {
        RecordComponent[] components = type.getRecordComponents();
        Parameter[] parameters = canonicalConstructor(type, components).getParameters();
        for (int i = 0; i < components.length; i++) {
            RecordComponent component = components[i];
            Name name = parameters[i].getAnnotation(Name.class);
            List<String> child = new ArrayList<>(path);
            child.add(name != null ? name.value() : kebab(component.getName()));
            if (component.getType().isRecord()) {
                collect(component.getType(), child, into);
            } else {
                into.add(String.join("_", child).replace('-', '_').toUpperCase(Locale.ROOT));
                into.add(String.join("_", child).replace("-", "").toUpperCase(Locale.ROOT));
            }
        }
    }

    private static Constructor<?> canonicalConstructor(Class<?> type, RecordComponent[] components) {
        try {
            return type.getDeclaredConstructor(Arrays.stream(components).map(RecordComponent::getType)
                    .toArray(Class<?>[]::new));
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(type + " has no canonical constructor", e);
        }
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
