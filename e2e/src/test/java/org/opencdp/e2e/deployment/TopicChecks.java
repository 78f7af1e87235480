package org.opencdp.e2e.deployment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.opencdp.contracts.Topics;
import org.opencdp.e2e.deployment.DeploymentFiles.Manifest;

/** The Strimzi KafkaTopics of k8s/base against {@link Topics}. */
final class TopicChecks {

    private TopicChecks() {
    }

    /** Every disagreement: missing, extra or doubly declared topics, wrong compaction, unknown cluster. */
    static List<String> kafkaTopics(DeploymentFiles files, List<ServiceConfiguration> services) {
        Set<String> expected = new TreeSet<>(Topics.ALL);
        services.forEach(s -> expected.add(Topics.deadLetters(s.kitService())));
        List<String> problems = new ArrayList<>();
        Map<String, Manifest> declared = new LinkedHashMap<>();
        Set<String> clusters = files.inBase("Kafka").stream().map(Manifest::name).collect(Collectors.toSet());
        for (Manifest topic : files.inBase("KafkaTopic")) {
            String name = Yamls.string(topic.body(), "spec.topicName");
            if (name == null) {
                problems.add(topic + " has no spec.topicName, so an overlay's name prefix would rename the topic");
                name = topic.name();
            }
            if (declared.put(name, topic) != null) {
                problems.add("topic " + name + " is declared twice");
            }
            if (!clusters.contains(strimziCluster(topic))) {
                problems.add(topic + " belongs to Kafka cluster " + strimziCluster(topic) + ", the Kafka resources are " + clusters);
            }
            Object policy = Yamls.map(topic.body(), "spec.config").get("cleanup.policy");
            boolean compacted = policy != null && String.valueOf(policy).contains("compact");
            if (compacted != Topics.COMPACTED.contains(name)) {
                problems.add("topic " + name + (compacted ? " is compacted but is not" : " is not compacted but is")
                        + " in Topics.COMPACTED " + Topics.COMPACTED);
            }
        }
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(declared.keySet());
        Set<String> extra = new TreeSet<>(declared.keySet());
        extra.removeAll(expected);
        missing.forEach(t -> problems.add("no KafkaTopic for " + t));
        extra.forEach(t -> problems.add("KafkaTopic " + t + " is neither in Topics.ALL nor a service's dead-letter topic"));
        for (Manifest pool : files.inBase("KafkaNodePool")) {
            if (!clusters.contains(strimziCluster(pool))) {
                problems.add(pool + " belongs to Kafka cluster " + strimziCluster(pool) + ", the Kafka resources are " + clusters);
            }
        }
        if (clusters.size() != 1) {
            problems.add("k8s/base should declare one Strimzi Kafka, declares " + clusters);
        }
        return problems;
    }

    static String strimziCluster(Manifest manifest) {
        return String.valueOf(Yamls.map(manifest.body(), "metadata.labels").get("strimzi.io/cluster"));
    }
}
