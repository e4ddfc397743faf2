package dev.quayside.kit.health;

import io.netty.util.concurrent.EventExecutor;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;

/**
 * Liveness that depends on the process alone, so that a platform restarts a stuck service but never one whose
 * dependency is down (readiness reports those): DOWN when JVM threads are deadlocked, or when one of Vert.x's event
 * loops does not run a no-op task within {@value #EVENT_LOOP_BUDGET_SECONDS} seconds (a blocked event loop answers
 * nothing else either). Every service with the kit has it on {@code /q/health/live}.
 */
@Liveness
@ApplicationScoped
public class ProcessLiveness implements AsyncHealthCheck {

    static final long EVENT_LOOP_BUDGET_SECONDS = 10;

    private final Vertx vertx;
    private final Duration budget;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    @Inject
    ProcessLiveness(Vertx vertx) {
        this(vertx, Duration.ofSeconds(EVENT_LOOP_BUDGET_SECONDS));
    }

    ProcessLiveness(Vertx vertx, Duration budget) {
        this.vertx = vertx;
        this.budget = budget;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("process").up();
        long[] deadlocked = threads.findDeadlockedThreads();
        if (deadlocked != null && deadlocked.length > 0) {
            String names = Arrays.stream(threads.getThreadInfo(deadlocked)).filter(i -> i != null)
                    .map(ThreadInfo::getThreadName).collect(Collectors.joining(", "));
            response.down().withData("deadlocked-threads", names);
        }
        List<CompletableFuture<Void>> loops = new ArrayList<>();
        for (EventExecutor loop : vertx.nettyEventLoopGroup()) {
            CompletableFuture<Void> ran = new CompletableFuture<>();
            loop.execute(() -> ran.complete(null));
            loops.add(ran);
        }
        response.withData("event-loops", loops.size());
        return Uni.createFrom().completionStage(CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)))
                .ifNoItem().after(budget).recoverWithItem(() -> {
                    long stuck = loops.stream().filter(f -> !f.isDone()).count();
                    response.down().withData("event-loops-not-answering", stuck);
                    return null;
                })
                .map(ignored -> response.build());
    }
}
