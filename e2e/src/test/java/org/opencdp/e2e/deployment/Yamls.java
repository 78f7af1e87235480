package org.opencdp.e2e.deployment;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Reading YAML files (multi-document too) and walking the maps SnakeYAML gives back. */
final class Yamls {

    private Yamls() {
    }

    /** Every non-empty document of {@code file}, each as a map. */
    static List<Map<String, Object>> documents(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return documents(in, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + file, e);
        }
    }

    static List<Map<String, Object>> documents(InputStream in, String name) {
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(in)) {
            if (document == null) {
                continue;
            }
            if (!(document instanceof Map<?, ?> map)) {
                throw new IllegalStateException(name + " holds a YAML document that is not a mapping: " + document);
            }
            documents.add(asMap(map));
        }
        return documents;
    }

    /** The single document of {@code file}. */
    static Map<String, Object> document(Path file) {
        List<Map<String, Object>> documents = documents(file);
        if (documents.size() != 1) {
            throw new IllegalStateException(file + " should hold exactly one YAML document, holds " + documents.size());
        }
        return documents.getFirst();
    }

    /** The value at a dotted path of map keys ({@code spec.template.spec}), or null. */
    static Object at(Object node, String path) {
        if (path.isEmpty()) {
            return node;
        }
        Object current = node;
        for (String key : path.split("\\.")) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(key);
        }
        return current;
    }

    static Map<String, Object> map(Object node, String path) {
        Object value = at(node, path);
        return value instanceof Map<?, ?> map ? asMap(map) : Map.of();
    }

    static List<Object> list(Object node, String path) {
        Object value = at(node, path);
        return value instanceof List<?> list ? List.copyOf(list.stream().map(v -> (Object) v).toList()) : List.of();
    }

    static String string(Object node, String path) {
        Object value = at(node, path);
        return value == null ? null : String.valueOf(value);
    }

    /** A nested map flattened to dotted keys ({@code server.port}), as Spring sees a yml file. */
    static Map<String, Object> flatten(Map<String, Object> document) {
        Map<String, Object> flat = new LinkedHashMap<>();
        flatten("", document, flat);
        return flat;
    }

    private static void flatten(String prefix, Object node, Map<String, Object> flat) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> flatten(prefix.isEmpty() ? String.valueOf(key) : prefix + "." + key, value, flat));
        } else if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                flatten(prefix + "[" + i + "]", list.get(i), flat);
            }
        } else {
            flat.put(prefix, node);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }
}
