package org.opencdp.bench.consumer;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** One service's consumer under {@link ConsumerBenchmark}: how to start it, what it already holds, and what it consumes. */
interface ConsumerWorkload {

    /** {@code profile}, {@code consent}, … */
    String name();

    SpringApplicationBuilder application();

    /** The consumer group whose lag is watched ({@code cdp-profile}, …). */
    String group();

    /** The topics it consumes in this benchmark. */
    List<String> topics();

    /** Extra {@code --name=value} arguments for the service. */
    default List<String> arguments() {
        return List.of();
    }

    /** Stores what the service would already hold (its schema exists, Flyway ran), by SQL. */
    default void preload(Connection connection) throws SQLException {
    }

    /** Set-up through the running service, before any traffic (e.g. segments or destinations by API). */
    default void prepare(ConfigurableApplicationContext service, String token) throws Exception {
    }

    /** The next message to produce. */
    ProducerRecord<String, String> next();

    /** A line on what was preloaded and what the traffic is. */
    String describe();
}
