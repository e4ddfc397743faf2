package dev.quayside.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quayside.bench.ThroughputTracker.Commit;
import dev.quayside.devstack.launcher.RegistryImages;
import dev.quayside.events.EventCodec;
import dev.quayside.kit.security.Hmac;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.quayside.bench.ThroughputBench.sleep;

/**
 * {@link ThroughputBench}'s load: offers commits at a fixed rate (open loop). The pacing thread assigns each commit to
 * the next app in turn; each app's commits are prepared in order on that app's own thread (tag the image, move the
 * branch), and the signed webhook is then posted from a shared pool, so a slow answer never holds back the next commit.
 */
final class WebhookSender implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    private final List<String> apps;
    private final ThroughputStack stack;
    private final ThroughputTracker tracker;
    private final RegistryImages images;
    private final List<String> urls;
    private final Map<String, ExecutorService> threads = new LinkedHashMap<>();
    private final Map<String, Integer> next = new LinkedHashMap<>();
    private final Map<String, String> heads = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicInteger webhooks = new AtomicInteger();
    private final ExecutorService posters = Executors.newFixedThreadPool(32, r -> {
        Thread thread = new Thread(r, "webhook");
        thread.setDaemon(true);
        return thread;
    });
    private int turn;

    WebhookSender(List<String> apps, ThroughputStack stack, ThroughputTracker tracker, RegistryImages images) {
        this.apps = apps;
        this.stack = stack;
        this.tracker = tracker;
        this.images = images;
        this.urls = stack.webhookUrls();
        for (String app : apps) {
            threads.put(app, Executors.newSingleThreadExecutor(r -> {
                Thread thread = new Thread(r, "send-" + app);
                thread.setDaemon(true);
                return thread;
            }));
            next.put(app, 1);
            heads.put(app, stack.commits.get(app).get(0));
        }
    }

    List<Commit> step(int stepNo, double rate, int count) {
        List<Commit> commits = new ArrayList<>();
        long start = System.nanoTime();
        for (int k = 0; k < count; k++) {
            long due = start + (long) (k * 1_000_000_000L / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            String app = apps.get(turn++ % apps.size());
            int index = next.get(app);
            List<String> shas = stack.commits.get(app);
            if (index >= shas.size()) {
                throw new IllegalStateException("out of prepared commits for " + app);
            }
            next.put(app, index + 1);
            Commit commit = new Commit(app, shas.get(index), stepNo, index);
            tracker.register(commit);
            commits.add(commit);
            threads.get(app).submit(() -> send(commit));
        }
        return commits;
    }

    /** On the app's own thread: tag the image and move the branch, in commit order; then post the webhook. */
    private void send(Commit commit) {
        try {
            images.tag(commit.app, commit.tag);
            String before = heads.get(commit.app);
            stack.moveBranch(commit.app, commit.sha);
            heads.put(commit.app, commit.sha);
            ObjectNode body = EventCodec.mapper().createObjectNode();
            body.put("repository", commit.app);
            body.put("ref", "refs/heads/main");
            body.put("before", before);
            body.put("after", commit.sha);
            body.putObject("pusher").put("name", "throughput-bench");
            byte[] bytes = EventCodec.mapper().writeValueAsBytes(body);
            String url = urls.get(webhooks.getAndIncrement() % urls.size());
            posters.submit(() -> post(commit, url, bytes));
        } catch (RuntimeException | IOException e) {
            commit.sendError = e.toString();
        }
    }

    /** Posts a signed generic webhook like git-watcher's post-receive hook (retries 5xx and I/O errors). */
    private void post(Commit commit, String url, byte[] bytes) {
        String signature = "sha256=" + Hmac.sha256Hex(stack.secret, bytes);
        String delivery = UUID.randomUUID().toString();
        commit.sent = Instant.now();
        try {
            for (int attempt = 1; ; attempt++) {
                HttpResponse<String> response = null;
                String error;
                try {
                    response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(15))
                            .header("Content-Type", "application/json")
                            .header("X-Quayside-Event", "push")
                            .header("X-Quayside-Delivery", delivery)
                            .header("X-Quayside-Signature-256", signature)
                            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    commit.httpStatus = response.statusCode();
                    if (response.statusCode() == 200) {
                        return;
                    }
                    error = "HTTP " + response.statusCode();
                } catch (IOException e) {
                    error = e.getClass().getSimpleName();
                }
                if (attempt >= 3 || (response != null && response.statusCode() < 500)) {
                    commit.sendError = error + (response != null ? " " + response.body() : "");
                    return;
                }
                sleep(500L * attempt, 0);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            commit.sendError = "interrupted";
        } catch (RuntimeException e) {
            commit.sendError = e.toString();
        }
    }

    @Override
    public void close() {
        threads.values().forEach(ExecutorService::shutdownNow);
        posters.shutdownNow();
        List<ExecutorService> all = new ArrayList<>(threads.values());
        all.add(posters);
        for (ExecutorService executor : all) {
            try {
                executor.awaitTermination(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
