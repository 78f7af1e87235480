package org.opencdp.e2e.deployment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The deployment files at the repository root: docker-compose.yml, the Dockerfile and every
 * Kubernetes manifest under k8s/, parsed.
 */
final class DeploymentFiles {

    /** One Kubernetes object and the file it came from. */
    record Manifest(Path file, Map<String, Object> body) {

        String kind() {
            return Yamls.string(body, "kind");
        }

        String name() {
            return Yamls.string(body, "metadata.name");
        }

        String apiVersion() {
            return Yamls.string(body, "apiVersion");
        }

        @Override
        public String toString() {
            return kind() + " " + name() + " (" + file.getFileName() + ")";
        }
    }

    final Path root;
    final Map<String, Object> compose;
    /** Every object of every YAML file under k8s/ except the kustomization files. */
    final List<Manifest> manifests;
    /** Each kustomization.yaml under k8s/ by its directory. */
    final Map<Path, Map<String, Object>> kustomizations;

    private DeploymentFiles(Path root) {
        this.root = root;
        this.compose = Yamls.document(root.resolve("docker-compose.yml"));
        this.manifests = new ArrayList<>();
        this.kustomizations = new LinkedHashMap<>();
        for (Path file : yamlFiles(root.resolve("k8s"))) {
            if (file.getFileName().toString().equals("kustomization.yaml")) {
                kustomizations.put(file.getParent(), Yamls.document(file));
            } else {
                Yamls.documents(file).forEach(body -> manifests.add(new Manifest(file, body)));
            }
        }
    }

    /**
     * Reads the files of the repository that holds the working directory (the e2e module when Maven
     * runs the test).
     */
    static DeploymentFiles read() {
        Path directory = Path.of("").toAbsolutePath();
        while (directory != null && !Files.isRegularFile(directory.resolve("docker-compose.yml"))) {
            directory = directory.getParent();
        }
        if (directory == null) {
            throw new IllegalStateException("No docker-compose.yml in " + Path.of("").toAbsolutePath() + " or above");
        }
        return new DeploymentFiles(directory);
    }

    Path k8s() {
        return root.resolve("k8s");
    }

    Path base() {
        return k8s().resolve("base");
    }

    /** The objects of {@code kind}. */
    List<Manifest> all(String kind) {
        return manifests.stream().filter(m -> kind.equals(m.kind())).toList();
    }

    /** The objects of {@code kind} in the base (what every overlay starts from). */
    List<Manifest> inBase(String kind) {
        return all(kind).stream().filter(m -> m.file().startsWith(base())).toList();
    }

    /** The base object of {@code kind} named {@code name}, or null. */
    Manifest find(String kind, String name) {
        return inBase(kind).stream().filter(m -> Objects.equals(name, m.name())).findFirst().orElse(null);
    }

    Map<String, Object> composeService(String name) {
        return Yamls.map(compose, "services." + name);
    }

    String text(String file) {
        try {
            return Files.readString(root.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + root.resolve(file), e);
        }
    }

    private static List<Path> yamlFiles(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not list " + directory, e);
        }
    }
}
