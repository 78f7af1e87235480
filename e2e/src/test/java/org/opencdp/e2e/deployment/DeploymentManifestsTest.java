package org.opencdp.e2e.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.Topics;
import org.opencdp.e2e.deployment.DeploymentFiles.Manifest;
import org.opencdp.local.PlatformService;

/**
 * The deployment files (docker-compose.yml, Dockerfile, k8s/) agree with the code: every service of
 * the platform is deployed on the port its configuration names, with only environment variables it
 * reads, probed on actuator paths it serves, against exactly the contract topics, and with no secret
 * committed. Each assertion lists every disagreement it found.
 */
class DeploymentManifestsTest {

    private static final Pattern SECRET_NAME = Pattern.compile(".*(SECRET|PASSWORD|TOKEN|CREDENTIALS?|_KEY)$");
    /** {@code ${VAR:?message}}, {@code ${VAR:-}} or {@code ${VAR}}: taken from the environment, no value committed. */
    private static final Pattern FROM_ENVIRONMENT = Pattern.compile("\\$\\{[A-Z][A-Z0-9_]*(:\\?[^}]*|:?-)?}");
    private static final Pattern SERVICE_URL = Pattern.compile("https?://([a-z0-9-]+):(\\d+)");
    private static final Pattern HEALTH_URL = Pattern.compile("http://localhost:(\\d+)(/[^\\s\"']*)");

    private static DeploymentFiles files;
    private static List<ServiceConfiguration> services;

    @BeforeAll
    static void readFiles() {
        files = DeploymentFiles.read();
        services = Arrays.stream(PlatformService.values())
                .map(PlatformService::serviceName)
                .map(ServiceConfiguration::load)
                .toList();
    }

    @Test
    void shouldDeployEveryServiceInComposeAndKubernetes() {
        List<String> problems = new ArrayList<>();
        for (ServiceConfiguration service : services) {
            String name = service.module();
            Map<String, Object> compose = files.composeService(name);
            if (compose.isEmpty()) {
                problems.add("docker-compose.yml has no service " + name);
            } else if (!name.equals(Yamls.string(compose, "build.args.SERVICE"))) {
                problems.add("docker-compose.yml " + name + " builds SERVICE=" + Yamls.string(compose, "build.args.SERVICE"));
            }
            for (String kind : List.of("Deployment", "Service", "ConfigMap", "HorizontalPodAutoscaler")) {
                if (files.find(kind, name) == null) {
                    problems.add("k8s/base has no " + kind + " " + name);
                }
            }
            Manifest deployment = files.find("Deployment", name);
            if (deployment != null && !Objects.equals(KubernetesPods.image(deployment), "opencdp/" + name)) {
                problems.add("Deployment " + name + " runs image " + KubernetesPods.image(deployment) + ", not opencdp/" + name);
            }
            Manifest hpa = files.find("HorizontalPodAutoscaler", name);
            if (hpa != null) {
                if (!"autoscaling/v2".equals(hpa.apiVersion())
                        || !name.equals(Yamls.string(hpa.body(), "spec.scaleTargetRef.name"))
                        || !"Deployment".equals(Yamls.string(hpa.body(), "spec.scaleTargetRef.kind"))) {
                    problems.add(hpa + " should be autoscaling/v2 scaling Deployment " + name);
                }
                boolean cpu = Yamls.list(hpa.body(), "spec.metrics").stream()
                        .anyMatch(m -> "cpu".equals(Yamls.string(m, "resource.name")));
                if (!cpu) {
                    problems.add(hpa + " does not scale on CPU");
                }
            }
        }
        assertNoProblems("services missing from the deployment files", problems);
    }

    @Test
    void shouldPublishEachServiceOnThePortItsConfigurationNames() {
        List<String> problems = new ArrayList<>();
        for (ServiceConfiguration service : services) {
            String name = service.module();
            Map<String, Object> compose = files.composeService(name);
            int expected = service.portVariable().map(v -> composeEnvironment(compose).get(v))
                    .map(Integer::parseInt).orElse(service.port());
            List<Object> ports = Yamls.list(compose, "ports");
            Set<Integer> containerPorts = ports.stream().map(p -> String.valueOf(p).replaceAll(".*:", ""))
                    .map(p -> p.replaceAll("/.*", "")).map(Integer::parseInt).collect(Collectors.toSet());
            if (!containerPorts.equals(Set.of(expected))) {
                problems.add("docker-compose.yml " + name + " publishes container ports " + containerPorts + ", "
                        + name + ".yml says server.port " + expected);
            }
            if (!String.valueOf(expected).equals(Yamls.string(compose, "build.args.PORT"))) {
                problems.add("docker-compose.yml " + name + " builds with PORT=" + Yamls.string(compose, "build.args.PORT")
                        + ", " + name + ".yml says " + expected);
            }
            Manifest deployment = files.find("Deployment", name);
            if (deployment != null && !Objects.equals(KubernetesPods.namedPort(deployment, "http"), service.port())) {
                problems.add("Deployment " + name + " declares containerPort " + KubernetesPods.namedPort(deployment, "http")
                        + " (named http), " + name + ".yml says server.port " + service.port());
            }
            Manifest k8sService = files.find("Service", name);
            if (k8sService != null) {
                List<Object> servicePorts = Yamls.list(k8sService.body(), "spec.ports");
                boolean matches = servicePorts.size() == 1
                        && Objects.equals(Yamls.at(servicePorts.getFirst(), "port"), service.port())
                        && Set.of("http", service.port()).contains(Yamls.at(servicePorts.getFirst(), "targetPort"));
                if (!matches) {
                    problems.add("Service " + name + " ports " + servicePorts + " should be port " + service.port()
                            + " to targetPort http");
                }
            }
        }
        assertNoProblems("ports that disagree with server.port", problems);
    }

    @Test
    void shouldSetOnlyEnvironmentVariablesTheServiceReads() {
        List<String> problems = new ArrayList<>();
        for (ServiceConfiguration service : services) {
            String name = service.module();
            Set<String> read = new TreeSet<>(service.variables().keySet());
            Set<String> settings = SettingsVariables.of(service.kitService());
            read.addAll(settings);
            environments(name).forEach((where, environment) -> environment.keySet().stream()
                    .filter(variable -> !read.contains(variable))
                    .forEach(variable -> problems.add(where + " sets " + variable + ", which " + name
                            + " never reads (its yml and the kit's defaults read " + new TreeSet<>(service.variables().keySet())
                            + ", its settings records " + settings + ")")));
        }
        assertNoProblems("dead settings", problems);
    }

    @Test
    void shouldSetEveryVariableWhoseDefaultOnlyWorksOutsideAContainer() {
        List<String> problems = new ArrayList<>();
        for (ServiceConfiguration service : services) {
            Set<String> required = service.variables().entrySet().stream()
                    .filter(v -> v.getKey().equals("CDP_JWT_SECRET") || pointsAtLocalhost(v.getValue()))
                    .map(Map.Entry::getKey).collect(Collectors.toCollection(TreeSet::new));
            environments(service.module()).forEach((where, environment) -> required.stream()
                    .filter(variable -> !environment.containsKey(variable))
                    .forEach(variable -> problems.add(where + " does not set " + variable + " (default '"
                            + service.variables().get(variable) + "' in " + service.module() + ".yml)")));
        }
        assertNoProblems("settings a container needs but does not get", problems);
    }

    @Test
    void shouldPointServiceUrlsAtTheRightServiceAndPort() {
        Map<String, Integer> ports = services.stream()
                .collect(Collectors.toMap(ServiceConfiguration::module, ServiceConfiguration::port));
        List<String> problems = new ArrayList<>();
        for (ServiceConfiguration service : services) {
            Set<String> dependsOn = Yamls.map(files.composeService(service.module()), "depends_on").keySet();
            environments(service.module()).forEach((where, environment) -> environment.forEach((variable, value) -> {
                Matcher url = SERVICE_URL.matcher(String.valueOf(value));
                while (url.find()) {
                    String host = url.group(1);
                    int port = Integer.parseInt(url.group(2));
                    if (!ports.containsKey(host)) {
                        problems.add(where + " " + variable + "=" + value + " names no service of the platform");
                    } else if (ports.get(host) != port) {
                        problems.add(where + " " + variable + "=" + value + " but " + host + " listens on " + ports.get(host));
                    } else if (where.startsWith("docker-compose") && !dependsOn.contains(host)) {
                        problems.add(where + " calls " + host + " but does not depend_on it");
                    }
                }
            }));
        }
        assertNoProblems("service URLs that lead nowhere", problems);
    }

    @Test
    void shouldConnectEveryServiceToTheDeployedKafkaAndPostgres() {
        List<String> problems = new ArrayList<>();
        problems.addAll(InfrastructureChecks.compose(files, services));
        problems.addAll(InfrastructureChecks.kubernetes(files, services));
        assertNoProblems("services pointed at infrastructure that is not there", problems);
    }

    @Test
    void shouldProbeActuatorPathsTheServicesServe() {
        List<String> problems = new ArrayList<>();
        for (ServiceConfiguration service : services) {
            String name = service.module();
            Object test = Yamls.at(files.composeService(name), "healthcheck.test");
            String healthcheck = test instanceof List<?> command
                    ? command.stream().map(String::valueOf).collect(Collectors.joining(" ")) : String.valueOf(test);
            Matcher url = HEALTH_URL.matcher(healthcheck);
            if (!url.find() || Integer.parseInt(url.group(1)) != service.actuatorPort()
                    || !service.healthPaths().contains(url.group(2))) {
                problems.add("docker-compose.yml " + name + " healthcheck " + healthcheck + " should call localhost:"
                        + service.actuatorPort() + " on one of " + service.healthPaths());
            }
            Manifest deployment = files.find("Deployment", name);
            if (deployment == null) {
                continue;
            }
            for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                Object httpGet = Yamls.at(KubernetesPods.container(deployment), probe + ".httpGet");
                if (httpGet == null) {
                    if (!probe.equals("startupProbe")) {
                        problems.add("Deployment " + name + " has no " + probe + ".httpGet");
                    }
                    continue;
                }
                String path = Yamls.string(httpGet, "path");
                Integer port = KubernetesPods.resolvePort(deployment, Yamls.at(httpGet, "port"));
                String kind = probe.equals("readinessProbe") ? "readiness" : "liveness";
                if (!service.healthPaths().contains(path) || !path.endsWith("/" + kind)) {
                    problems.add("Deployment " + name + " " + probe + " calls " + path + "; " + name + " serves "
                            + service.healthPaths() + " and the probe should use the " + kind + " group");
                }
                if (!Objects.equals(port, service.actuatorPort())) {
                    problems.add("Deployment " + name + " " + probe + " calls port " + port + ", the actuator is on "
                            + service.actuatorPort());
                }
            }
            Object resources = Yamls.at(KubernetesPods.container(deployment), "resources.requests.cpu");
            if (resources == null) {
                problems.add("Deployment " + name + " requests no CPU, so its HPA cannot compute utilisation");
            }
        }
        assertNoProblems("health checks that would fail", problems);
    }

    @Test
    void shouldDeclareExactlyTheContractAndDeadLetterTopics() {
        assertNoProblems("KafkaTopics that disagree with org.opencdp.contracts.Topics", TopicChecks.kafkaTopics(files, services));
    }

    @Test
    void shouldListEveryManifestInItsKustomization() {
        assertThat(files.kustomizations).as("kustomization files under k8s/").containsKey(files.base());
        assertNoProblems("kustomizations that do not match the files", KustomizationChecks.kustomizations(files));
    }

    @Test
    void shouldCommitNoSecret() {
        List<String> problems = new ArrayList<>();
        Yamls.map(files.compose, "services").forEach((name, service) -> composeEnvironment(Yamls.map(service, ""))
                .forEach((variable, value) -> {
                    // CDP_JWT_SECRET is held to the stricter ${CDP_JWT_SECRET:?...} below
                    if (SECRET_NAME.matcher(variable).matches() && !variable.equals("CDP_JWT_SECRET")
                            && !FROM_ENVIRONMENT.matcher(value).matches()) {
                        problems.add("docker-compose.yml " + name + " sets " + variable + " to '" + value
                                + "' instead of taking it from the environment (${" + variable + ":?...})");
                    }
                }));
        files.all("Secret").forEach(secret -> problems.add(secret + " commits a Secret; document `kubectl create secret` instead"));
        for (Manifest configMap : files.all("ConfigMap")) {
            Yamls.map(configMap.body(), "data").keySet().stream().filter(k -> SECRET_NAME.matcher(k).matches())
                    .forEach(k -> problems.add(configMap + " holds " + k + " in plain text"));
        }
        for (Manifest deployment : files.all("Deployment")) {
            for (Object env : Yamls.list(KubernetesPods.container(deployment), "env")) {
                String variable = Yamls.string(env, "name");
                if (SECRET_NAME.matcher(variable).matches() && Yamls.at(env, "valueFrom.secretKeyRef") == null) {
                    problems.add(deployment + " sets " + variable + " without a secretKeyRef");
                }
            }
        }
        for (ServiceConfiguration service : services) {
            String jwtSecret = composeEnvironment(files.composeService(service.module())).get("CDP_JWT_SECRET");
            if (jwtSecret != null && !jwtSecret.matches("\\$\\{CDP_JWT_SECRET:\\?[^}]*}")) {
                problems.add("docker-compose.yml " + service.module() + " should refuse to start without CDP_JWT_SECRET"
                        + " (${CDP_JWT_SECRET:?...}), has " + jwtSecret);
            }
            Manifest deployment = files.find("Deployment", service.module());
            if (deployment != null && !KubernetesPods.secretVariables(deployment).contains("CDP_JWT_SECRET")) {
                problems.add(deployment + " does not take CDP_JWT_SECRET from a Secret");
            }
        }
        assertNoProblems("secrets in committed files", problems);
    }

    @Test
    void shouldKnowTheVariablesOfEachServicesSettings() {
        assertThat(SettingsVariables.of("activation")).contains("CDP_ACTIVATION_ENCRYPTION_KEY",
                "CDP_ACTIVATION_MAX_ATTEMPTS", "CDP_ACTIVATION_CONSENT_URL", "CDP_KIT_KAFKA_CREATETOPICS",
                "CDP_KIT_KAFKA_CREATE_TOPICS", "CDP_KIT_SECURITY_JWKSURI", "CDP_KIT_SECURITY_SERVICESECRET").doesNotContain("CDP_PROFILE_RETENTION_DEFAULT");
        assertThat(SettingsVariables.of("profile")).contains("CDP_PROFILE_RETENTION_DEFAULT",
                "CDP_PROFILE_COMPUTED_TRAITS_BACKFILL_BATCH_SIZE");
    }

    @Test
    void shouldBuildEachImageFromTheServicesExecutableJar() {
        String version = projectVersion();
        List<String> problems = new ArrayList<>(ImageChecks.dockerfile(files.text("Dockerfile"), version));
        var ignore = files.text(".dockerignore").lines().filter(l -> l.startsWith("!")).map(l -> l.substring(1).trim())
                .map(p -> FileSystems.getDefault().getPathMatcher("glob:" + p)).toList();
        Set<String> tags = new HashSet<>();
        for (ServiceConfiguration service : services) {
            String name = service.module();
            Path jar = Path.of(name, "target", name + "-" + version + "-exec.jar");
            if (ignore.stream().noneMatch(m -> m.matches(jar))) {
                problems.add(".dockerignore keeps " + jar + " out of the build context");
            }
            tags.add(Yamls.string(files.composeService(name), "image"));
        }
        Set<String> expectedTags = services.stream().map(s -> "opencdp/" + s.module() + ":" + version).collect(Collectors.toSet());
        if (!tags.equals(expectedTags)) {
            problems.add("docker-compose.yml images " + tags + " should be " + expectedTags);
        }
        Yamls.list(files.kustomizations.get(files.base()), "images").stream()
                .filter(i -> !version.equals(Yamls.string(i, "newTag")))
                .forEach(i -> problems.add("k8s/base/kustomization.yaml tags " + Yamls.string(i, "name") + " "
                        + Yamls.string(i, "newTag") + ", the project version is " + version));
        if (!files.text("pom.xml").contains("<classifier>exec</classifier>")) {
            problems.add("pom.xml no longer gives the runnable jars the classifier exec the Dockerfile copies");
        }
        assertNoProblems("images that would not build or run", problems);
    }

    /** Each place that sets a service's environment, by a readable name. */
    private static Map<String, Map<String, String>> environments(String service) {
        Map<String, Map<String, String>> environments = new LinkedHashMap<>();
        environments.put("docker-compose.yml " + service, composeEnvironment(files.composeService(service)));
        Manifest deployment = files.find("Deployment", service);
        if (deployment != null) {
            environments.put("k8s Deployment/ConfigMap " + service, KubernetesPods.environment(files, deployment));
        }
        return environments;
    }

    static Map<String, String> composeEnvironment(Map<String, Object> service) {
        Map<String, String> environment = new LinkedHashMap<>();
        Object declared = Yamls.at(service, "environment");
        if (declared instanceof Map<?, ?> map) {
            map.forEach((k, v) -> environment.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
        } else if (declared instanceof List<?> list) {
            list.stream().map(String::valueOf).forEach(e -> environment.put(e.replaceAll("=.*", ""),
                    e.contains("=") ? e.substring(e.indexOf('=') + 1) : ""));
        }
        return environment;
    }

    private static String strimziCluster(Manifest manifest) {
        return String.valueOf(Yamls.map(manifest.body(), "metadata.labels").get("strimzi.io/cluster"));
    }

    private static boolean pointsAtLocalhost(String defaultValue) {
        return defaultValue != null && (defaultValue.contains("localhost") || defaultValue.contains("127.0.0.1"));
    }

    private static String projectVersion() {
        Matcher matcher = Pattern.compile("<artifactId>opencdp-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(files.text("pom.xml"));
        assertThat(matcher.find()).as("the version of opencdp-parent in pom.xml").isTrue();
        return matcher.group(1);
    }

    private static void assertNoProblems(String what, List<String> problems) {
        assertThat(problems).withFailMessage(() -> problems.size() + " " + what + ":\n  - "
                + String.join("\n  - ", problems)).isEmpty();
    }
}
