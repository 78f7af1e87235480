package org.opencdp.kit.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opencdp.kit.work.BackgroundLoop;
import org.slf4j.MDC;
import org.springframework.mock.env.MockEnvironment;

/** Issue 17: each thread the kit runs work on names its service in the MDC, and gives the previous value back. */
class ServiceLogContextTest {

    @AfterEach
    void clear() {
        MDC.clear();
    }

    @Test
    void shouldSetTheServiceUntilClosedThenRestoreThePreviousOne() {
        MDC.put(ServiceLogContext.MDC_KEY, "ingestion");
        try (ServiceLogContext.Scope ignored = ServiceLogContext.enter("identity")) {
            assertThat(MDC.get(ServiceLogContext.MDC_KEY)).isEqualTo("identity");
        }
        assertThat(MDC.get(ServiceLogContext.MDC_KEY)).isEqualTo("ingestion");

        MDC.clear();
        try (ServiceLogContext.Scope ignored = ServiceLogContext.enter("profile")) {
            assertThat(MDC.get(ServiceLogContext.MDC_KEY)).isEqualTo("profile");
        }
        assertThat(MDC.get(ServiceLogContext.MDC_KEY)).isNull();
    }

    @Test
    void shouldRunADecoratedTaskWithTheServiceOnAnotherThread() throws Exception {
        AtomicReference<String> seen = new AtomicReference<>();
        Runnable task = ServiceLogContext.decorator("consent").decorate(() -> seen.set(MDC.get(ServiceLogContext.MDC_KEY)));

        CompletableFuture.runAsync(task).get(10, TimeUnit.SECONDS);

        assertThat(seen.get()).isEqualTo("consent");
    }

    @Test
    void shouldRunABackgroundLoopWithTheServiceOfItsEnvironment() throws Exception {
        CompletableFuture<String> seen = new CompletableFuture<>();
        BackgroundLoop loop = new BackgroundLoop("test-loop", Duration.ofSeconds(10)) {
            @Override
            protected boolean runRound() {
                seen.complete(MDC.get(ServiceLogContext.MDC_KEY));
                return false;
            }
        };
        loop.setEnvironment(new MockEnvironment().withProperty("cdp.kit.service", "segmentation"));
        loop.start();
        try {
            assertThat(seen.get(10, TimeUnit.SECONDS)).isEqualTo("segmentation");
        } finally {
            loop.stop();
        }
    }

    /** Issue 17: under ./cdp up, activation's virtual-thread workers logged with no (or another) service's tag. */
    @Test
    void shouldRunEachVirtualThreadWithTheSubmittersServiceAndTraceContext() throws Exception {
        ContextKey<String> key = ContextKey.named("span");
        AtomicReference<String> worker = new AtomicReference<>();
        AtomicReference<String> nested = new AtomicReference<>();
        AtomicReference<String> context = new AtomicReference<>();
        try (ExecutorService workers = ServiceLogContext.virtualThreadPerTask("test-worker-");
             ServiceLogContext.Scope ignored = ServiceLogContext.enter("activation");
             Scope traced = Context.root().with(key, "delivery span").makeCurrent()) {
            workers.submit(() -> {
                worker.set(MDC.get(ServiceLogContext.MDC_KEY));
                context.set(Context.current().get(key));
                try (ExecutorService calls = ServiceLogContext.virtualThreadPerTask("test-call-")) {
                    calls.submit(() -> nested.set(MDC.get(ServiceLogContext.MDC_KEY))).get();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return null;
            }).get(10, TimeUnit.SECONDS);
        }
        assertThat(worker.get()).isEqualTo("activation");
        assertThat(nested.get()).isEqualTo("activation");
        assertThat(context.get()).isEqualTo("delivery span");
    }
}
