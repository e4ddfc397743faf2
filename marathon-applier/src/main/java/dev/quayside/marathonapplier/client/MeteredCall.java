package dev.quayside.marathonapplier.client;

import dev.quayside.marathonapplier.config.ApplierConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.logging.Log;
import jakarta.ws.rs.ProcessingException;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * One request to Marathon, Chronos or Consul, counted in {@code metric} with an {@code outcome} tag ({@code ok}, the
 * HTTP status, or {@code unreachable}); no answer at all becomes a retryable {@link PlatformException}. A retryable
 * failure is tried again up to {@link ApplierConfig.Retry#maxRetries()} times, with a doubling back-off; the last
 * failure is thrown, its message saying how many attempts were made.
 */
final class MeteredCall {

    private MeteredCall() {
    }

    static <T> T run(MeterRegistry metrics, String metric, Tags tags, String system, ApplierConfig.Retry retry,
            Supplier<T> call) {
        Duration delay = retry.initialDelay();
        for (int attempt = 1;; attempt++) {
            try {
                return once(metrics, metric, tags, system, call);
            } catch (PlatformException e) {
                if (!e.isRetryable() || attempt > retry.maxRetries()) {
                    throw attempt == 1 ? e : e.afterAttempts(attempt);
                }
                Log.debugf("%s (attempt %d of %d); trying again in %s", e.getMessage(), attempt,
                        retry.maxRetries() + 1, delay);
                sleep(delay, e);
                delay = delay.multipliedBy(2);
            }
        }
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

    private static void sleep(Duration delay, PlatformException failure) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying: " + failure.getMessage(), e);
        }
    }
}
