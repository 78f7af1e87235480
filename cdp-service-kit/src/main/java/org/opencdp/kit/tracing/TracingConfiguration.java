package org.opencdp.kit.tracing;

import io.micrometer.observation.ObservationPredicate;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.observation.ServerRequestObservationContext;

/**
 * Tracing for every service (issue 17). Boot's Micrometer Tracing over OpenTelemetry makes the tracer,
 * W3C propagation, HTTP server spans and (with an endpoint set) the OTLP exporter; the kit adds the
 * trace context's way through the outbox and Kafka ({@link TraceContexts}) and keeps scrapes and
 * probes out of the traces.
 */
@Configuration(proxyBeanMethods = false)
public class TracingConfiguration {

    @Bean
    TraceContexts traceContexts(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
        Tracer t = tracer.getIfAvailable();
        Propagator p = propagator.getIfAvailable();
        return t == null || p == null ? TraceContexts.noop() : new TraceContexts(t, p);
    }

    /** Prometheus scrapes and health probes are not what an operator follows a trace for. */
    @Bean
    ObservationPredicate cdpNoActuatorSpans() {
        return (name, context) -> !(context instanceof ServerRequestObservationContext request
                && request.getCarrier().getRequestURI().startsWith("/actuator"));
    }
}
