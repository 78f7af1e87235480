package org.opencdp.e2e.deployment;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.opencdp.e2e.deployment.DeploymentFiles.Manifest;

/** Reading the (single) container of a Deployment's pod template. */
final class KubernetesPods {

    private KubernetesPods() {
    }

    static Map<String, Object> container(Manifest deployment) {
        List<Object> containers = Yamls.list(deployment.body(), "spec.template.spec.containers");
        if (containers.size() != 1) {
            throw new IllegalStateException(deployment + " should run exactly one container, runs " + containers.size());
        }
        return Yamls.map(containers.getFirst(), "");
    }

    static String image(Manifest deployment) {
        return Yamls.string(container(deployment), "image");
    }

    /** The containerPort named {@code name}, or null. */
    static Integer namedPort(Manifest deployment, String name) {
        return Yamls.list(container(deployment), "ports").stream()
                .filter(p -> Objects.equals(name, Yamls.string(p, "name")))
                .map(p -> (Integer) Yamls.at(p, "containerPort"))
                .findFirst().orElse(null);
    }

    /** A probe's port, a number or the name of a container port, as a number (null if the name is unknown). */
    static Integer resolvePort(Manifest deployment, Object port) {
        return port instanceof Integer number ? number : namedPort(deployment, String.valueOf(port));
    }

    /**
     * The environment the container gets: the data of the ConfigMaps it takes with envFrom, then its
     * env entries (a value, or {@code <from secret/key>} for a secretKeyRef).
     */
    static Map<String, String> environment(DeploymentFiles files, Manifest deployment) {
        Map<String, String> environment = new LinkedHashMap<>();
        for (Object source : Yamls.list(container(deployment), "envFrom")) {
            String configMap = Yamls.string(source, "configMapRef.name");
            Manifest found = configMap == null ? null : files.find("ConfigMap", configMap);
            if (configMap != null && found == null) {
                throw new IllegalStateException(deployment + " takes its environment from ConfigMap " + configMap
                        + ", which k8s/base does not declare");
            }
            if (found != null) {
                Yamls.map(found.body(), "data").forEach((k, v) -> environment.put(k, String.valueOf(v)));
            }
        }
        for (Object env : Yamls.list(container(deployment), "env")) {
            Object secret = Yamls.at(env, "valueFrom.secretKeyRef");
            environment.put(Yamls.string(env, "name"), secret != null
                    ? "<from secret " + Yamls.string(secret, "name") + "/" + Yamls.string(secret, "key") + ">"
                    : String.valueOf(Yamls.at(env, "value")));
        }
        return environment;
    }

    /** The variables the container takes from a Secret, with the secret's name and key. */
    static Set<String> secretVariables(Manifest deployment) {
        return Yamls.list(container(deployment), "env").stream()
                .filter(env -> Yamls.at(env, "valueFrom.secretKeyRef") != null)
                .map(env -> Yamls.string(env, "name"))
                .collect(Collectors.toSet());
    }

    /** The Secret and key a variable comes from ({@code name/key}), or null. */
    static String secretOf(Manifest deployment, String variable) {
        return Yamls.list(container(deployment), "env").stream()
                .filter(env -> variable.equals(Yamls.string(env, "name")))
                .map(env -> Yamls.at(env, "valueFrom.secretKeyRef"))
                .filter(Objects::nonNull)
                .map(ref -> Yamls.string(ref, "name") + "/" + Yamls.string(ref, "key"))
                .findFirst().orElse(null);
    }
}
