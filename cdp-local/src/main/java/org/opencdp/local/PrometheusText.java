package org.opencdp.local;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The samples of a Prometheus text exposition ({@code /actuator/prometheus}); comments skipped. */
final class PrometheusText {

    /** One sample: {@code name{labels} value}. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    private PrometheusText() {
    }

    static List<Sample> parse(String body) {
        List<Sample> samples = new ArrayList<>();
        for (String raw : body.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Map<String, String> labels = new LinkedHashMap<>();
            int brace = line.indexOf('{');
            int space = line.indexOf(' ');
            String name;
            String rest;
            if (brace >= 0 && (space < 0 || brace < space)) {
                name = line.substring(0, brace);
                int end = readLabels(line, brace + 1, labels);
                rest = line.substring(end + 1).strip();
            } else if (space > 0) {
                name = line.substring(0, space);
                rest = line.substring(space + 1).strip();
            } else {
                continue;
            }
            String value = rest.split("\\s+")[0];
            try {
                samples.add(new Sample(name, Map.copyOf(labels), Double.parseDouble(value.replace("+Inf", "Infinity")
                        .replace("-Inf", "-Infinity"))));
            } catch (NumberFormatException notASample) {
                // a line this reader does not understand is skipped
            }
        }
        return samples;
    }

    /** Reads {@code key="value",…} from {@code start}; returns the index of the closing brace. */
    private static int readLabels(String line, int start, Map<String, String> labels) {
        int i = start;
        while (i < line.length() && line.charAt(i) != '}') {
            int equals = line.indexOf('=', i);
            if (equals < 0 || equals + 1 >= line.length() || line.charAt(equals + 1) != '"') {
                return line.indexOf('}', i) < 0 ? line.length() - 1 : line.indexOf('}', i);
            }
            String key = line.substring(i, equals).strip();
            StringBuilder value = new StringBuilder();
            int j = equals + 2;
            while (j < line.length() && line.charAt(j) != '"') {
                char c = line.charAt(j);
                if (c == '\\' && j + 1 < line.length()) {
                    char next = line.charAt(++j);
                    value.append(next == 'n' ? '\n' : next);
                } else {
                    value.append(c);
                }
                j++;
            }
            labels.put(key, value.toString());
            i = j + 1;
            if (i < line.length() && line.charAt(i) == ',') {
                i++;
            }
        }
        return i;
    }
}
