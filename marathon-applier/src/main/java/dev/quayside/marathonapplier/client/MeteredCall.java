package dev.quayside.marathonapplier.client;

import dev.quayside.kit.retry.Retrier;
import dev.quayside.kit.retry.RetryPolicy;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import jakarta.ws.rs.ProcessingException;
import java.util.function.Supplier;

/**
 * One request to Marathon, Chronos or Consul, counted in {@code metric} with an {@code outcome} tag ({@code ok}, the
 * HTTP status, or {@code unreachable}) per attempt; no answer at all becomes a retryable {@link PlatformException}.
 * Retryable failures are retried by the kit's {@link Retrier} ({@code quayside.marathon-applier.retry}); the last
 * failure is thrown, its message saying how many attempts were made.
 */
final class MeteredCall {

    private MeteredCall() {
    }

    /** The retry of one client's calls: retryable {@link PlatformException}s only, as {@code policy} says. */
    static Retrier retrier(String system, RetryPolicy policy) {
        return Retrier.of(policy).named(system)
                .retryOn(e -> e instanceof PlatformException p && p.isRetryable())
                .onGiveUp((failure, attempts) -> failure instanceof PlatformException p ? p.afterAttempts(attempts)
                        : failure)
                .build();
    }

    static <T> T run(MeterRegistry metrics, String metric, Tags tags, String system, Retrier retry, Supplier<T> call) {
        return retry.call(() -> once(metrics, metric, tags, system, call));
    }

    private static <T> T once(MeterRegistry metrics, String metric, Tags tags, String system, Supplier<T> call) {
        try {
            T result = call.get();
            metrics.counter(metric, tags.and("outcome", "ok")).increment();
            return result;
        } catch (PlatformException e) {
            String outcome = e.status() == 0 ? "unreachable" : String.valueOf(e.status());
            metrics.counter(metric, tags.and("outcome", outcome)).increment();
            throw e;
        } catch (ProcessingException e) {
            metrics.counter(metric, tags.and("outcome", "unreachable")).increment();
            throw new PlatformException(system + " did not answer: " + e.getMessage(), e);
        }
    }
}
