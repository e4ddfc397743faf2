package dev.quayside.devstack.consul.bench;

import dev.quayside.devstack.consul.ConsulStandIn;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The three performance figures, measured over real HTTP on loopback (not a test; run
 * {@code devstack/consul/bench/run.sh}): blocking-query wake-up after a write (p50/p99), 10,000 KV puts through
 * {@code /v1/txn} batches of 64, and heap for 100,000 keys of 200 bytes.
 */
public final class ConsulStandInBench {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private ConsulStandInBench() {
    }

    public static void main(String[] args) throws Exception {
        int wakeRounds = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        try (ConsulStandIn consul = ConsulStandIn.start()) {
            wakeUp(consul.url(), 50); // warm-up
            long[] wake = wakeUp(consul.url(), wakeRounds);
            System.out.printf("blocking-query wake-up after a write (%d rounds): p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                    wake.length, percentile(wake, 50), percentile(wake, 99), wake[wake.length - 1] / 1e6);

            txnPuts(consul.url(), "warmup/", 2_000, 64);
            long started = System.nanoTime();
            txnPuts(consul.url(), "bench/", 10_000, 64);
            System.out.printf("10,000 KV puts in txn batches of 64: %d ms%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        }
        long before = usedHeapAfterGc();
        try (ConsulStandIn consul = ConsulStandIn.start()) {
            txnPuts(consul.url(), "mem/", 100_000, 64);
            long after = usedHeapAfterGc();
            System.out.printf("heap for 100,000 keys of 200 bytes: %.1f MB%n", (after - before) / 1024.0 / 1024.0);
        }
    }

    /**
     * Time from sending a PUT to the blocked reader's answer arriving, per round, sorted (nanoseconds). Reader and
     * writer are Vert.x HTTP clients, as the services' Consul client is.
     */
    static long[] wakeUp(String url, int rounds) throws Exception {
        long[] samples = new long[rounds];
        URI base = URI.create(url);
        Vertx vertx = Vertx.vertx();
        try {
            io.vertx.core.http.HttpClient reader = vertx.createHttpClient(new HttpClientOptions()
                    .setDefaultHost(base.getHost()).setDefaultPort(base.getPort()));
            io.vertx.core.http.HttpClient writer = vertx.createHttpClient(new HttpClientOptions()
                    .setDefaultHost(base.getHost()).setDefaultPort(base.getPort()));
            send(url, "PUT", "/v1/kv/wake/key", "0");
            for (int i = 0; i < rounds; i++) {
                long index = Long.parseLong(send(url, "GET", "/v1/kv/wake/?recurse", null).headers()
                        .firstValue("X-Consul-Index").orElseThrow());
                CompletableFuture<Long> woke = reader.request(HttpMethod.GET, "/v1/kv/wake/?recurse&index=" + index
                        + "&wait=10s").compose(r -> r.send()).compose(r -> r.body()).map(b -> System.nanoTime())
                        .toCompletionStage().toCompletableFuture();
                Thread.sleep(2); // let the read reach the server and block
                long written = System.nanoTime();
                String value = Integer.toString(i);
                writer.request(HttpMethod.PUT, "/v1/kv/wake/key").compose(r -> r.send(value))
                        .toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
                samples[i] = woke.get(15, TimeUnit.SECONDS) - written;
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        Arrays.sort(samples);
        return samples;
    }

    static void txnPuts(String url, String prefix, int keys, int batch) throws Exception {
        byte[] value = new byte[200];
        Arrays.fill(value, (byte) 'v');
        String encoded = Base64.getEncoder().encodeToString(value);
        for (int start = 0; start < keys; start += batch) {
            JsonArray ops = new JsonArray();
            for (int i = start; i < Math.min(keys, start + batch); i++) {
                ops.add(new JsonObject().put("KV", new JsonObject().put("Verb", "set")
                        .put("Key", prefix + "service-" + (i % 100) + "/config/key-" + i).put("Value", encoded)));
            }
            HttpResponse<String> response = send(url, "PUT", "/v1/txn", ops.encode());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("txn failed: " + response.statusCode() + " " + response.body());
            }
        }
    }

    static double percentile(long[] sorted, int p) {
        int at = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, at)] / 1e6;
    }

    static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static HttpRequest request(String url, String method, String path, String body) {
        return HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build();
    }

    static HttpResponse<String> send(String url, String method, String path, String body) throws Exception {
        return HTTP.send(request(url, method, path, body), HttpResponse.BodyHandlers.ofString());
    }
}
