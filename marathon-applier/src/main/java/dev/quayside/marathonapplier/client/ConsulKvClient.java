package dev.quayside.marathonapplier.client;

import dev.quayside.kit.consul.ConsulConnection;
import dev.quayside.kit.retry.Retrier;
import dev.quayside.marathonapplier.config.ApplierConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.vertx.ext.consul.KeyValue;
import io.vertx.mutiny.ext.consul.ConsulClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Consul KV, read-only: the mirror of the config repo that config-syncer writes, through the kit's
 * {@link ConsulConnection} ({@code quayside.consul.*}). Reads are retried when Consul does not
 * answer ({@code quayside.marathon-applier.retry}) and counted in {@code quayside.consul.requests}; failures come out
 * as a retryable {@link PlatformException}.
 */
@ApplicationScoped
public class ConsulKvClient {

    private final ConsulClient consul;
    private final Duration timeout;
    private final MeterRegistry metrics;
    private final Retrier retry;

    ConsulKvClient(ConsulConnection connection, ApplierConfig applier, MeterRegistry metrics) {
        this.metrics = metrics;
        this.retry = MeteredCall.retrier("Consul", applier.retry());
        this.consul = connection.newClient();
        this.timeout = connection.timeout();
    }

    /** The value of {@code key}, or empty when Consul has no such key. */
    public Optional<String> value(String key) {
        KeyValue kv = call("value", () -> consul.getValue(key).await().atMost(timeout));
        return kv == null || kv.getKey() == null ? Optional.empty() : Optional.ofNullable(kv.getValue()).or(() -> Optional.of(""));
    }

    /** Every key below {@code prefix} with its value. */
    public Map<String, String> tree(String prefix) {
        Map<String, String> values = new LinkedHashMap<>();
        var list = call("tree", () -> consul.getValues(prefix).await().atMost(timeout));
        if (list != null && list.getList() != null) {
            list.getList().forEach(kv -> values.put(kv.getKey(), kv.getValue() == null ? "" : kv.getValue()));
        }
        return values;
    }

    private <T> T call(String operation, Supplier<T> call) {
        return MeteredCall.run(metrics, "quayside.consul.requests", Tags.of("operation", operation), "Consul", retry,
                () -> {
                    try {
                        return call.get();
                    } catch (RuntimeException e) {
                        throw new PlatformException("Consul did not answer: " + e.getMessage(), e);
                    }
                });
    }

    /** True when Consul answers with a leader. */
    public boolean reachable() {
        try {
            return consul.leaderStatus().await().atMost(Duration.ofSeconds(3)) != null;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @PreDestroy
    void close() {
        consul.close();
    }
}
