package org.opencdp.e2e.deployment;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.opencdp.e2e.deployment.DeploymentFiles.Manifest;

/** Whether the services' Kafka and database settings lead to the Kafka and PostgreSQL deployed beside them. */
final class InfrastructureChecks {

    private static final Pattern JDBC_URL = Pattern.compile("jdbc:postgresql://([^:/]+)(?::(\\d+))?/([^?]+).*");

    private InfrastructureChecks() {
    }

    static List<String> compose(DeploymentFiles files, List<ServiceConfiguration> services) {
        List<String> problems = new ArrayList<>();
        for (ServiceConfiguration service : services) {
            String where = "docker-compose.yml " + service.module();
            Map<String, Object> compose = files.composeService(service.module());
            Map<String, String> environment = DeploymentManifestsTest.composeEnvironment(compose);
            Map<String, Object> dependsOn = Yamls.map(compose, "depends_on");

            String bootstrap = environment.get("CDP_KAFKA_BOOTSTRAP");
            if (bootstrap != null) {
                String host = bootstrap.replaceAll(":.*", "");
                String advertised = DeploymentManifestsTest.composeEnvironment(files.composeService(host))
                        .getOrDefault("KAFKA_ADVERTISED_LISTENERS", "");
                if (!advertised.contains("://" + bootstrap)) {
                    problems.add(where + " CDP_KAFKA_BOOTSTRAP=" + bootstrap + " but compose service " + host
                            + " advertises '" + advertised + "'");
                }
                requireHealthyDependency(files, where, dependsOn, host, problems);
            }
            String url = environment.get("CDP_DB_URL");
            Matcher jdbc = url == null ? null : JDBC_URL.matcher(url);
            if (jdbc != null && !jdbc.matches()) {
                problems.add(where + " CDP_DB_URL=" + url + " is not a PostgreSQL JDBC URL");
            } else if (jdbc != null) {
                Map<String, String> postgres = DeploymentManifestsTest.composeEnvironment(files.composeService(jdbc.group(1)));
                expectEqual(problems, where + " database in CDP_DB_URL", jdbc.group(3), postgres.get("POSTGRES_DB"));
                expectEqual(problems, where + " CDP_DB_USER", environment.get("CDP_DB_USER"), postgres.get("POSTGRES_USER"));
                expectEqual(problems, where + " CDP_DB_PASSWORD", environment.get("CDP_DB_PASSWORD"), postgres.get("POSTGRES_PASSWORD"));
                requireHealthyDependency(files, where, dependsOn, jdbc.group(1), problems);
            }
        }
        return problems;
    }

    static List<String> kubernetes(DeploymentFiles files, List<ServiceConfiguration> services) {
        List<String> problems = new ArrayList<>();
        List<Manifest> kafkas = files.inBase("Kafka");
        List<Manifest> clusters = files.inBase("Cluster");
        if (kafkas.size() != 1 || clusters.size() != 1) {
            problems.add("k8s/base should declare one Strimzi Kafka and one CloudNativePG Cluster, declares "
                    + kafkas + " and " + clusters);
            return problems;
        }
        Manifest kafka = kafkas.getFirst();
        Object plain = Yamls.list(kafka.body(), "spec.kafka.listeners").stream()
                .filter(l -> Boolean.FALSE.equals(Yamls.at(l, "tls"))).findFirst().orElse(null);
        String bootstrap = kafka.name() + "-kafka-bootstrap:" + Yamls.string(plain, "port");
        Manifest cluster = clusters.getFirst();
        String jdbcUrl = "jdbc:postgresql://" + cluster.name() + "-rw:5432/"
                + Yamls.string(cluster.body(), "spec.bootstrap.initdb.database");
        String appSecret = cluster.name() + "-app";
        for (ServiceConfiguration service : services) {
            Manifest deployment = files.find("Deployment", service.module());
            if (deployment == null) {
                continue;
            }
            String where = "k8s " + service.module();
            Map<String, String> environment = KubernetesPods.environment(files, deployment);
            expectEqual(problems, where + " CDP_KAFKA_BOOTSTRAP (Strimzi's bootstrap service of " + kafka + ")",
                    environment.get("CDP_KAFKA_BOOTSTRAP"), bootstrap);
            expectEqual(problems, where + " CDP_DB_URL (the read-write service of " + cluster + ")",
                    environment.get("CDP_DB_URL"), jdbcUrl);
            expectEqual(problems, where + " CDP_DB_USER (CloudNativePG's application secret)",
                    KubernetesPods.secretOf(deployment, "CDP_DB_USER"), appSecret + "/username");
            expectEqual(problems, where + " CDP_DB_PASSWORD (CloudNativePG's application secret)",
                    KubernetesPods.secretOf(deployment, "CDP_DB_PASSWORD"), appSecret + "/password");
        }
        return problems;
    }

    private static void requireHealthyDependency(DeploymentFiles files, String where, Map<String, Object> dependsOn,
                                                 String host, List<String> problems) {
        if (files.composeService(host).isEmpty()) {
            problems.add(where + " connects to " + host + ", which is not a compose service");
        } else if (!"service_healthy".equals(Yamls.string(dependsOn.get(host), "condition"))) {
            problems.add(where + " should depend_on " + host + " with condition service_healthy");
        } else if (Yamls.at(files.composeService(host), "healthcheck.test") == null) {
            problems.add(where + " waits for " + host + " to be healthy, but " + host + " has no healthcheck");
        }
    }

    private static void expectEqual(List<String> problems, String what, String actual, String expected) {
        if (!Objects.equals(actual, expected)) {
            problems.add(what + " is " + actual + ", expected " + expected);
        }
    }
}
