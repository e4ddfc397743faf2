package dev.quayside.marathonapplier.client;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import jakarta.ws.rs.ProcessingException;
import java.util.function.Supplier;

/**
 * One request to Marathon or Chronos, counted in {@code metric} with an {@code outcome} tag ({@code ok}, the HTTP
 * status, or {@code unreachable}); no answer at all becomes a retryable {@link PlatformException}.
 */
final class MeteredCall {

    private MeteredCall() {
    }

    static <T> T run(MeterRegistry metrics, String metric, Tags tags, String system, Supplier<T> call) {
        try {
            T result = call.get();
            metrics.counter(metric, tags.and("outcome", "ok")).increment();
            return result;
        } catch (PlatformException e) {
            metrics.counter(metric, tags.and("outcome", String.valueOf(e.status()))).increment();
            throw e;
        } catch (ProcessingException e) {
            metrics.counter(metric, tags.and("outcome", "unreachable")).increment();
            throw new PlatformException(system + " did not answer: " + e.getMessage(), e);
        }
    }
}
