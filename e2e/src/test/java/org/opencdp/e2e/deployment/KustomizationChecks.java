package org.opencdp.e2e.deployment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.opencdp.e2e.deployment.DeploymentFiles.Manifest;

/** Every kustomization.yaml under k8s/ against the files beside it. */
final class KustomizationChecks {

    private KustomizationChecks() {
    }

    /**
     * Every disagreement: resources or patch files that do not exist, manifests in k8s/base that the
     * base kustomization leaves out, image tags for images no Deployment runs.
     */
    static List<String> kustomizations(DeploymentFiles files) {
        List<String> problems = new ArrayList<>();
        files.kustomizations.forEach((directory, kustomization) -> {
            String where = files.root.relativize(directory.resolve("kustomization.yaml")).toString();
            for (Object resource : Yamls.list(kustomization, "resources")) {
                Path target = directory.resolve(String.valueOf(resource)).normalize();
                if (!Files.isRegularFile(target) && !Files.isRegularFile(target.resolve("kustomization.yaml"))) {
                    problems.add(where + " lists " + resource + ", which does not exist");
                }
            }
            for (Object patch : Yamls.list(kustomization, "patches")) {
                String path = Yamls.string(patch, "path");
                if (path != null && !Files.isRegularFile(directory.resolve(path))) {
                    problems.add(where + " patches with " + path + ", which does not exist");
                }
            }
        });
        Map<String, Object> base = files.kustomizations.getOrDefault(files.base(), Map.of());
        Set<String> listed = Yamls.list(base, "resources").stream().map(String::valueOf).collect(Collectors.toSet());
        files.manifests.stream().map(Manifest::file).filter(f -> f.startsWith(files.base())).distinct()
                .map(f -> files.base().relativize(f).toString().replace('\\', '/'))
                .filter(f -> !listed.contains(f))
                .forEach(f -> problems.add("k8s/base/kustomization.yaml does not list " + f));
        Set<String> images = files.inBase("Deployment").stream().map(KubernetesPods::image).collect(Collectors.toSet());
        Yamls.list(base, "images").stream().map(i -> Yamls.string(i, "name"))
                .filter(i -> !images.contains(i))
                .forEach(i -> problems.add("k8s/base/kustomization.yaml sets a tag for " + i + ", which no Deployment runs"));
        return problems;
    }
}
