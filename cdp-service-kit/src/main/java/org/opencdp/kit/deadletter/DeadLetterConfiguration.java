package org.opencdp.kit.deadletter;

import org.opencdp.kit.KitProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/** Dead-letter replay for every service: the replayer and, in a web application, its endpoint. */
@Configuration(proxyBeanMethods = false)
public class DeadLetterConfiguration {

    @Bean
    DeadLetterReplayer deadLetterReplayer(KitProperties properties, ConsumerFactory<?, ?> consumers,
                                          KafkaTemplate<String, String> kafka) {
        return new DeadLetterReplayer(properties.service(), consumers, kafka);
    }

    @Bean
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    DeadLetterController deadLetterController(DeadLetterReplayer replayer) {
        return new DeadLetterController(replayer);
    }
}
