package dev.quayside.configsyncer.client;

import dev.quayside.kit.consul.ConsulConnection;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;

import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Consul KV for config-syncer: reads with the Vert.x Consul client (Mutiny), transactions and plain puts with raw
 * HTTP, because the Vert.x client has no {@code check-not-exists} verb and hides the transaction's HTTP status. Both
 * come from the kit's {@link ConsulConnection} ({@code quayside.consul.*}: address, token, TLS). Calls block the caller
 * (the service runs on worker threads) and are bounded by {@code quayside.consul.timeout}.
 */
@ApplicationScoped
public class ConsulClient {

    /** A stored value with its modify index. */
    public record Entry(String key, String value, long modifyIndex) {
    }

    /** A transaction's outcome: committed with Consul's index after it, or rolled back with Consul's reasons. */
    public record TxnOutcome(boolean committed, long index, List<String> errors) {
    }

    private final io.vertx.mutiny.ext.consul.ConsulClient consul;
    private final WebClient http;
    private final Duration timeout;
    private final Timer txnTimer;

    @Inject
    public ConsulClient(ConsulConnection connection, MeterRegistry registry) {
        this.consul = connection.newClient();
        this.http = connection.newWebClient();
        this.timeout = connection.timeout();
        this.txnTimer = Timer.builder("quayside.config-syncer.consul.txn").description("Consul transactions")
                .register(registry == null ? new SimpleMeterRegistry() : registry);
    }

    /** A client outside CDI (tests, benchmarks). */
    public ConsulClient(Vertx vertx, String url, String token, Duration timeout, MeterRegistry registry) {
        this(ConsulConnection.of(vertx, URI.create(url), token, timeout), registry);
    }

    /** The value of {@code key}, or empty when Consul has no such key. */
    public Optional<Entry> get(String key) throws ConsulException {
        try {
            var kv = consul.getValue(key).await().atMost(timeout);
            if (kv == null || !kv.isPresent()) {
                return Optional.empty();
            }
            return Optional.of(new Entry(kv.getKey(), kv.getValue(), kv.getModifyIndex()));
        } catch (RuntimeException e) {
            throw new ConsulException("GET " + key + " failed: " + e.getMessage(), e);
        }
    }

    /** Every key below {@code prefix} (which should end with {@code /}) with its value: one request. */
    public Map<String, String> values(String prefix) throws ConsulException {
        try {
            var list = consul.getValues(prefix).await().atMost(timeout);
            Map<String, String> values = new LinkedHashMap<>();
            if (list != null && list.getList() != null) {
                list.getList().forEach(kv -> values.put(kv.getKey(), kv.getValue() == null ? "" : kv.getValue()));
            }
            return values;
        } catch (RuntimeException e) {
            throw new ConsulException("GET " + prefix + "?recurse failed: " + e.getMessage(), e);
        }
    }

    /** Every key below {@code prefix} (which should end with {@code /}). */
    public List<String> keys(String prefix) throws ConsulException {
        try {
            List<String> keys = consul.getKeys(prefix).await().atMost(timeout);
            return keys == null ? List.of() : keys;
        } catch (RuntimeException e) {
            throw new ConsulException("GET " + prefix + "?keys failed: " + e.getMessage(), e);
        }
    }

    /** Consul's leader address: what the readiness check probes. */
    public String leader() throws ConsulException {
        try {
            return consul.leaderStatus().await().atMost(timeout);
        } catch (RuntimeException e) {
            throw new ConsulException("GET /v1/status/leader failed: " + e.getMessage(), e);
        }
    }

    /** One {@code PUT /v1/kv/<key>} (for a value too large to travel in a transaction). */
    public void put(String key, byte[] value) throws ConsulException {
        HttpResponse<Buffer> response = send(http.put("/v1/kv/" + key), Buffer.buffer(value), "PUT /v1/kv/" + key);
        if (response.statusCode() != 200 || !"true".equals(response.bodyAsString().trim())) {
            throw new ConsulException("PUT /v1/kv/" + key + " answered " + response.statusCode() + ": "
                    + response.bodyAsString(), null);
        }
    }

    /**
     * {@code PUT /v1/txn} with {@code ops}. A 409 (a check failed, or an operation was refused) is a rolled-back
     * outcome; any other non-200 answer is a {@link ConsulException}.
     */
    public TxnOutcome txn(List<KvOp> ops) throws ConsulException {
        try {
            return txnAsync(ops).await().atMost(timeout.plusSeconds(1));
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() instanceof ConsulException ? e.getCause() : e;
            if (cause instanceof ConsulException consul) {
                throw consul;
            }
            throw new ConsulException("PUT /v1/txn failed: " + e.getMessage(), e);
        }
    }

    /**
     * Sends independent {@code batches} (no two touch the same key, so their order does not matter) with at most
     * {@code inFlight} transactions in flight: the next one leaves as soon as any one is answered, not when a group of
     * them is. Nothing more is sent after the first rolled-back transaction; those already in flight finish.
     *
     * @return each batch's outcome at the batch's position: null for a batch that was not sent (after a rollback)
     * @throws ConsulException when a transaction fails (not answered, or answered other than 200/409)
     */
    public List<TxnOutcome> txnAll(List<List<KvOp>> batches, int inFlight) throws ConsulException {
        if (inFlight < 1) {
            throw new IllegalArgumentException("inFlight must be at least 1: " + inFlight);
        }
        TxnOutcome[] outcomes = new TxnOutcome[batches.size()];
        if (batches.isEmpty()) {
            return List.of();
        }
        AtomicBoolean rolledBack = new AtomicBoolean();
        long rounds = (batches.size() + inFlight - 1) / inFlight;
        try {
            Multi.createFrom().range(0, batches.size())
                    .select().where(i -> !rolledBack.get())
                    .onItem().transformToUni(i -> txnAsync(batches.get(i)).invoke(outcome -> {
                        outcomes[i] = outcome;
                        if (!outcome.committed()) {
                            rolledBack.set(true);
                        }
                    }))
                    .merge(inFlight)
                    .collect().last()
                    .await().atMost(timeout.plusSeconds(1).multipliedBy(rounds));
        } catch (RuntimeException e) {
            Throwable cause = e instanceof CompletionException && e.getCause() != null
                    ? e.getCause() : e;
            throw cause instanceof ConsulException c ? c
                    : new ConsulException("PUT /v1/txn failed: " + cause.getMessage(), cause);
        }
        return Arrays.asList(outcomes);
    }

    /** {@link #txn} without blocking: lets independent batches travel together. */
    public Uni<TxnOutcome> txnAsync(List<KvOp> ops) {
        JsonArray body = new JsonArray();
        for (KvOp op : ops) {
            JsonObject kv = new JsonObject().put("Verb", op.verb().wire()).put("Key", op.key());
            if (op.value() != null) {
                kv.put("Value", Base64.getEncoder().encodeToString(op.value()));
            }
            if (op.verb() == KvOp.Verb.CHECK_INDEX) {
                kv.put("Index", op.index());
            }
            body.add(new JsonObject().put("KV", kv));
        }
        HttpRequest<Buffer> request = http.put("/v1/txn").timeout(timeout.toMillis());
        long started = System.nanoTime();
        return request.sendBuffer(Buffer.buffer(body.encode()))
                .onItem().transformToUni(response -> {
                    txnTimer.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                    try {
                        return Uni.createFrom().item(outcome(ops, response));
                    } catch (ConsulException e) {
                        return Uni.createFrom().failure(e);
                    }
                })
                .onFailure(f -> !(f instanceof ConsulException))
                .transform(f -> new ConsulException("PUT /v1/txn (" + ops.size() + " operations) failed: "
                        + f.getMessage(), f));
    }

    private static TxnOutcome outcome(List<KvOp> ops, HttpResponse<Buffer> response) throws ConsulException {
        int status = response.statusCode();
        if (status != 200 && status != 409) {
            throw new ConsulException("PUT /v1/txn (" + ops.size() + " operations) answered " + status + ": "
                    + abbreviate(response.bodyAsString()), null);
        }
        JsonObject result = response.bodyAsJsonObject();
        List<String> errors = new ArrayList<>();
        JsonArray errs = result == null ? null : result.getJsonArray("Errors");
        if (errs != null) {
            for (int i = 0; i < errs.size(); i++) {
                JsonObject e = errs.getJsonObject(i);
                int opIndex = e.getInteger("OpIndex", -1);
                errors.add("operation " + opIndex + (opIndex >= 0 && opIndex < ops.size() ? " (" + ops.get(opIndex) + ")" : "")
                        + ": " + e.getString("What"));
            }
        }
        long index = 0;
        JsonArray results = result == null ? null : result.getJsonArray("Results");
        if (results != null) {
            for (int i = 0; i < results.size(); i++) {
                JsonObject kv = results.getJsonObject(i).getJsonObject("KV");
                if (kv != null) {
                    index = Math.max(index, kv.getLong("ModifyIndex", 0L));
                }
            }
        }
        String header = response.getHeader("X-Consul-Index");
        if (header != null) {
            index = Math.max(index, Long.parseLong(header.trim()));
        }
        return new TxnOutcome(status == 200, index, errors);
    }

    private HttpResponse<Buffer> send(HttpRequest<Buffer> request, Buffer body, String what) throws ConsulException {
        request.timeout(timeout.toMillis());
        try {
            return request.sendBuffer(body).await().atMost(timeout.plusSeconds(1));
        } catch (RuntimeException e) {
            throw new ConsulException(what + " failed: " + e.getMessage(), e);
        }
    }

    private static String abbreviate(String text) {
        return text == null ? "" : text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    @PreDestroy
    void close() {
        consul.close();
        http.close();
    }
}
