package dev.quayside.devstack.marathon.bench;

import dev.quayside.devstack.marathon.MarathonStandIn;
import dev.quayside.devstack.mesos.Http;
import dev.quayside.devstack.mesos.SampleImages;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Benchmark of the Marathon stand-in (not a test; run by hand, see docs/devstack-marathon.md):
 * <ol>
 * <li>API latency without container work (idle apps, {@code instances: 0}): p50 / p99 / max per call;</li>
 * <li>{@code PUT} → {@code deployment_success} for the busybox sample image (rolling replace of one healthy task);</li>
 * <li>50 apps × 2 instances at once: time until all 100 tasks are healthy, then until all are gone.</li>
 * </ol>
 * Arguments: {@code [apps=50] [instances=2] [parts=api,put,many]}.
 */
public final class MarathonStandInBench {

    private MarathonStandInBench() {
    }

    public static void main(String[] args) throws Exception {
        int apps = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int instances = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        SampleImages.build();
        try (MarathonStandIn standIn = MarathonStandIn.start(MarathonStandIn.options()
                .deploymentTimeout(Duration.ofMinutes(5)).dockerThreads(4))) {
            String url = standIn.marathonUrl();
            String parts = args.length > 2 ? args[2] : "api,put,many";
            if (parts.contains("api")) {
                apiLatency(url);
            }
            if (parts.contains("put")) {
                putToSuccess(url);
            }
            if (parts.contains("many")) {
                manyApps(url, apps, instances);
            }
        }
    }

    static void apiLatency(String url) {
        for (int i = 0; i < 20; i++) {
            check(Http.send("POST", url + "/v2/apps", idle("/bench/idle-" + i).encode()), 201);
        }
        waitNoDeployments(url, 10_000);
        for (int i = 0; i < 500; i++) {
            Http.get(url + "/v2/apps");
        }
        report("GET /v2/apps (20 apps)", 2000, () -> Http.get(url + "/v2/apps"), 200);
        report("GET /v2/apps/{id}", 2000, () -> Http.get(url + "/v2/apps/bench/idle-3"), 200);
        report("GET /v2/deployments", 2000, () -> Http.get(url + "/v2/deployments"), 200);
        report("GET /v2/apps?embed=apps.tasks&label=", 2000,
                () -> Http.get(url + "/v2/apps?embed=apps.tasks&label=x"), 200);
        int[] n = {0};
        report("PUT /v2/apps/{id}?force=true (update)", 1000, () -> Http.send("PUT",
                url + "/v2/apps/bench/idle-5?force=true",
                new JsonObject().put("env", new JsonObject().put("N", String.valueOf(n[0]++))).encode()), 200);
        report("POST /v2/apps (create)", 1000, () -> Http.send("POST", url + "/v2/apps",
                idle("/bench/created-" + n[0]++).encode()), 201);
        report("422 POST /v2/apps (invalid)", 1000, () -> Http.send("POST", url + "/v2/apps",
                idle("/Bad_Id").encode()), 422);
        waitNoDeployments(url, 30_000);
        for (Object a : Http.get(url + "/v2/apps").json().getJsonArray("apps")) {
            Http.send("DELETE", url + "/v2/apps" + ((JsonObject) a).getString("id") + "?force=true", null);
        }
        waitNoDeployments(url, 30_000);
    }

    static void putToSuccess(String url) throws Exception {
        check(Http.send("POST", url + "/v2/apps", web("/bench/web", 1, SampleImages.V1).encode()), 201);
        waitNoDeployments(url, 30_000);
        long[] millis = new long[6];
        for (int i = 0; i < millis.length; i++) {
            String image = i % 2 == 0 ? SampleImages.V2 : SampleImages.V1;
            long start = System.nanoTime();
            Http.Response put = Http.send("PUT", url + "/v2/apps/bench/web",
                    new JsonObject().put("container", web("/x", 1, image).getJsonObject("container")).encode());
            check(put, 200);
            String id = put.json().getString("deploymentId");
            while (Http.get(url + "/v2/deployments").array().stream()
                    .anyMatch(d -> ((JsonObject) d).getString("id").equals(id))) {
                Thread.sleep(5);
                if (System.nanoTime() - start > 60_000_000_000L) {
                    throw new IllegalStateException("deployment did not finish in 60 s");
                }
            }
            millis[i] = (System.nanoTime() - start) / 1_000_000;
        }
        Arrays.sort(millis);
        System.out.printf("PUT -> deployment finished (sample image, 1 task, rolling): min %d ms, median %d ms, "
                + "max %d ms (n=%d)%n", millis[0], millis[millis.length / 2], millis[millis.length - 1], millis.length);
        Http.send("DELETE", url + "/v2/apps/bench/web", null);
        waitNoDeployments(url, 30_000);
    }

    static void manyApps(String url, int apps, int instances) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < apps; i++) {
            check(Http.send("POST", url + "/v2/apps", web("/bench/many/app-" + i, instances, SampleImages.V2)
                    .encode()), 201);
        }
        int expected = apps * instances;
        int healthy = 0;
        double maxLoad = 0;
        while (healthy < expected) {
            Thread.sleep(500);
            healthy = 0;
            for (Object a : Http.get(url + "/v2/apps").json().getJsonArray("apps")) {
                healthy += ((JsonObject) a).getInteger("tasksHealthy");
            }
            maxLoad = Math.max(maxLoad, load());
            if (System.nanoTime() - start > 600_000_000_000L) {
                throw new IllegalStateException("only " + healthy + "/" + expected + " healthy after 10 minutes");
            }
        }
        long up = (System.nanoTime() - start) / 1_000_000;
        waitNoDeployments(url, 60_000);
        Thread.sleep(5000);
        double settledLoad = load();
        Runtime rt = Runtime.getRuntime();
        long heapMb = (rt.totalMemory() - rt.freeMemory()) / (1024 * 1024);
        System.out.printf("%d apps x %d instances: all %d tasks healthy after %d ms; 1-min load max %.2f while "
                + "starting, %.2f 5 s after; stand-in JVM heap used %d MB%n", apps, instances, expected, up, maxLoad,
                settledLoad, heapMb);
        List<Long> samples = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            long t = System.nanoTime();
            Http.get(url + "/v2/apps?embed=apps.tasks");
            samples.add((System.nanoTime() - t) / 1000);
        }
        samples.sort(null);
        System.out.printf("GET /v2/apps?embed=apps.tasks with %d running tasks: p50 %.2f ms, p99 %.2f ms%n", expected,
                samples.get(100) / 1000.0, samples.get(197) / 1000.0);
        long stop = System.nanoTime();
        for (int i = 0; i < apps; i++) {
            Http.send("DELETE", url + "/v2/apps/bench/many/app-" + i, null);
        }
        waitNoDeployments(url, 300_000);
        System.out.printf("deleting %d apps (%d containers): %d ms%n", apps, expected,
                (System.nanoTime() - stop) / 1_000_000);
    }

    static double load() {
        try {
            return Double.parseDouble(Files.readString(Paths.get("/proc/loadavg")).split(" ")[0]);
        } catch (Exception e) {
            return -1;
        }
    }

    /** Client-side round trip, and the stand-in's own time from its {@code x-response-time} header (ms). */
    static void report(String name, int n, Supplier<Http.Response> call, int status) {
        long[] micros = new long[n];
        long[] server = new long[n];
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            Http.Response r = call.get();
            micros[i] = (System.nanoTime() - t) / 1000;
            check(r, status);
            server[i] = Long.parseLong(r.header("x-response-time").replace("ms", "").trim());
        }
        Arrays.sort(micros);
        Arrays.sort(server);
        int p99 = (int) (n * 0.99) - 1;
        System.out.printf("%-40s n=%d round trip p50 %.2f ms p99 %.2f ms max %.2f ms | in stand-in p99 %d ms max %d ms%n",
                name, n, micros[n / 2] / 1000.0, micros[p99] / 1000.0, micros[n - 1] / 1000.0, server[p99],
                server[n - 1]);
    }

    static void check(Http.Response r, int status) {
        if (r.status() != status) {
            throw new IllegalStateException("expected " + status + " but got " + r.status() + ": " + r.body());
        }
    }

    static void waitNoDeployments(String url, long millis) {
        long end = System.currentTimeMillis() + millis;
        while (!Http.get(url + "/v2/deployments").array().isEmpty()) {
            if (System.currentTimeMillis() > end) {
                throw new IllegalStateException("deployments still running: " + Http.get(url + "/v2/deployments").body());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    static JsonObject idle(String id) {
        return new JsonObject().put("id", id).put("cmd", "sleep 1000").put("instances", 0)
                .put("labels", new JsonObject().put("bench", "true"));
    }

    public static JsonObject web(String id, int instances, String image) {
        return new JsonObject().put("id", id).put("instances", instances).put("cpus", 0.01).put("mem", 16)
                .put("networks", new JsonArray().add(new JsonObject().put("mode", "container/bridge")))
                .put("container", new JsonObject().put("type", "DOCKER").put("docker", new JsonObject()
                        .put("image", image)).put("portMappings", new JsonArray().add(new JsonObject()
                                .put("containerPort", 8080).put("hostPort", 0))))
                .put("healthChecks", new JsonArray().add(new JsonObject().put("protocol", "HTTP").put("path", "/health")
                        .put("intervalSeconds", 2).put("timeoutSeconds", 1).put("gracePeriodSeconds", 30)))
                .put("taskKillGracePeriodSeconds", 1);
    }
}
