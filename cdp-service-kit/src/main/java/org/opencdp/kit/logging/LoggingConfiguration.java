package org.opencdp.kit.logging;

import org.opencdp.kit.KitProperties;
import org.springframework.boot.task.SimpleAsyncTaskSchedulerCustomizer;
import org.springframework.boot.task.ThreadPoolTaskSchedulerCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.core.task.TaskDecorator;
import org.springframework.kafka.config.ContainerCustomizer;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;

/**
 * Puts the service's name in the MDC ({@link ServiceLogContext}) on the threads Spring runs the
 * service's work on: HTTP requests (a filter ahead of all others), Kafka listener threads (their
 * task executor), and the application task executor and scheduler ({@code @Async}, {@code
 * @Scheduled}). The kit's background loops and batch consumers set it themselves.
 */
@Configuration(proxyBeanMethods = false)
public class LoggingConfiguration {

    @Bean
    FilterRegistrationBean<ServiceLogFilter> cdpServiceLogFilter(KitProperties properties) {
        var registration = new FilterRegistrationBean<>(new ServiceLogFilter(properties.service()));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    /** Applied by Spring Boot to the application task executor. */
    @Bean
    TaskDecorator cdpServiceLogTaskDecorator(KitProperties properties) {
        return ServiceLogContext.decorator(properties.service());
    }

    @Bean
    ThreadPoolTaskSchedulerCustomizer cdpServiceLogThreadPoolScheduler(KitProperties properties) {
        return scheduler -> scheduler.setTaskDecorator(ServiceLogContext.decorator(properties.service()));
    }

    @Bean
    SimpleAsyncTaskSchedulerCustomizer cdpServiceLogSimpleAsyncScheduler(KitProperties properties) {
        return scheduler -> scheduler.setTaskDecorator(ServiceLogContext.decorator(properties.service()));
    }

    /** Listener threads run with the service set from their first poll to their end. */
    @Bean
    ContainerCustomizer<Object, Object, ConcurrentMessageListenerContainer<Object, Object>> cdpServiceLogListenerThreads(
            KitProperties properties) {
        return container -> {
            var executor = new SimpleAsyncTaskExecutor("cdp-" + properties.service() + "-consumer-");
            executor.setTaskDecorator(ServiceLogContext.decorator(properties.service()));
            container.getContainerProperties().setListenerTaskExecutor(executor);
        };
    }
}
