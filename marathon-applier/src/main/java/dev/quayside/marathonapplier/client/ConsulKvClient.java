package dev.quayside.marathonapplier.client;

import dev.quayside.marathonapplier.config.ApplierConfig;
import dev.quayside.marathonapplier.config.ConsulConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.vertx.ext.consul.ConsulClientOptions;
import io.vertx.ext.consul.KeyValue;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.consul.ConsulClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Consul KV, read-only: the mirror of the config repo that config-syncer writes. Reads are retried when Consul does not
 * answer ({@code quayside.marathon-applier.retry}) and counted in {@code quayside.consul.requests}; failures come out
 * as a retryable {@link PlatformException}.
 */
@ApplicationScoped
public class ConsulKvClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final ConsulClient consul;
    private final MeterRegistry metrics;
    private final ApplierConfig.Retry retry;

    ConsulKvClient(Vertx vertx, ConsulConfig config, ApplierConfig applier, MeterRegistry metrics) {
        this.metrics = metrics;
        this.retry = applier.retry();
        URI url = URI.create(config.url());
        ConsulClientOptions options = new ConsulClientOptions()
                .setHost(url.getHost())
                .setPort(url.getPort() > 0 ? url.getPort() : 8500)
                .setSsl("https".equals(url.getScheme()))
                .setTimeout(TIMEOUT.toMillis());
        config.token().ifPresent(options::setAclToken);
        this.consul = ConsulClient.create(vertx, options);
    }

    /** The value of {@code key}, or empty when Consul has no such key. */
    public Optional<String> value(String key) {
        KeyValue kv = call("value", () -> consul.getValue(key).await().atMost(TIMEOUT));
        return kv == null || kv.getKey() == null ? Optional.empty() : Optional.ofNullable(kv.getValue()).or(() -> Optional.of(""));
    }

    /** Every key below {@code prefix} with its value. */
    public Map<String, String> tree(String prefix) {
        Map<String, String> values = new LinkedHashMap<>();
        var list = call("tree", () -> consul.getValues(prefix).await().atMost(TIMEOUT));
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
