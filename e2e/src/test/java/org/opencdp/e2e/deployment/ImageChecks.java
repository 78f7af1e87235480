package org.opencdp.e2e.deployment;

import java.util.ArrayList;
import java.util.List;

/** The Dockerfile every service's image is built from. */
final class ImageChecks {

    private ImageChecks() {
    }

    /** Every way {@code dockerfile} departs from: one temurin 21 JRE stage, the exec jar of ARG SERVICE, non-root, java -jar. */
    static List<String> dockerfile(String dockerfile, String version) {
        List<String> instructions = dockerfile.replace("\\\n", " ").lines().map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        List<String> problems = new ArrayList<>();
        List<String> from = withKeyword(instructions, "FROM");
        if (!from.equals(List.of("FROM eclipse-temurin:21-jre"))) {
            problems.add("Dockerfile should have the single stage FROM eclipse-temurin:21-jre, has " + from);
        }
        if (!instructions.contains("ARG SERVICE")) {
            problems.add("Dockerfile does not declare ARG SERVICE (compose passes it)");
        }
        if (!instructions.contains("ARG VERSION=" + version)) {
            problems.add("Dockerfile should declare ARG VERSION=" + version + " (the project version), has "
                    + withKeyword(instructions, "ARG"));
        }
        if (withKeyword(instructions, "COPY").stream().noneMatch(c -> c.contains("${SERVICE}/target/${SERVICE}-${VERSION}-exec.jar"))) {
            problems.add("Dockerfile does not COPY ${SERVICE}/target/${SERVICE}-${VERSION}-exec.jar, the runnable jar");
        }
        List<String> user = withKeyword(instructions, "USER");
        if (user.isEmpty() || user.getLast().matches("USER (root|0)(:.*)?")) {
            problems.add("Dockerfile should run as a non-root USER, has " + user);
        }
        if (withKeyword(instructions, "EXPOSE").isEmpty()) {
            problems.add("Dockerfile EXPOSEs no port");
        }
        if (!withKeyword(instructions, "HEALTHCHECK").isEmpty()) {
            problems.add("Dockerfile declares a HEALTHCHECK; compose and Kubernetes probe the actuator themselves");
        }
        List<String> entrypoint = withKeyword(instructions, "ENTRYPOINT");
        if (entrypoint.size() != 1 || !entrypoint.getFirst().contains("\"java\"") || !entrypoint.getFirst().contains("\"-jar\"")) {
            problems.add("Dockerfile should have one exec-form ENTRYPOINT [\"java\", ..., \"-jar\", ...], has " + entrypoint);
        }
        return problems;
    }

    private static List<String> withKeyword(List<String> instructions, String keyword) {
        return instructions.stream().filter(l -> l.startsWith(keyword + " ")).toList();
    }
}
