package dev.quayside.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quayside.devstack.docker.SampleApp;
import dev.quayside.devstack.launcher.LocalRun;
import dev.quayside.events.BuildFinished;
import dev.quayside.events.BuildOutcome;
import dev.quayside.events.CommitPushed;
import dev.quayside.events.EventCodec;
import dev.quayside.events.EventType;
import dev.quayside.events.ImageBuilt;
import dev.quayside.kit.security.Hmac;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;


import static dev.quayside.bench.ControlPlaneBench.OUT;
import static dev.quayside.bench.ControlPlaneBench.deleteTree;
import static dev.quayside.bench.ControlPlaneBench.docker;
import static dev.quayside.bench.ControlPlaneBench.sleep;

/**
 * One local run of {@link ControlPlaneBench}: the stack with its benchmark apps, their images already in the registry,
 * and the phases' commits sent to it as signed webhooks and timed up to Marathon's version of each.
 */
final class ControlPlaneRun implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final String MANIFEST_TYPES = "application/vnd.docker.distribution.manifest.v2+json,"
            + "application/vnd.oci.image.manifest.v1+json";

    /** What one measurement produced. */
    static final class Figures {
        final List<Double> overhead = new ArrayList<>();
        final List<Double> webhookToEvent = new ArrayList<>();
        final Map<String, Integer> lost = new LinkedHashMap<>();
        final Map<String, List<Double>> hops = new LinkedHashMap<>();
        /** Burst only: the overhead of each app's first commit to reach Marathon, and of the ones after it. */
        final List<Double> firstOfItsApp = new ArrayList<>();
        final List<Double> afterItsAppsFirst = new ArrayList<>();
        Double firstCommit;
        int built;
        String note;

        ObjectNode overhead(int sent, String note) {
            ObjectNode node = PipelineBench.stats(overhead, "ms");
            int lostTotal = lost.values().stream().mapToInt(Integer::intValue).sum();
            node.put("sent", sent);
            node.put("completed", overhead.size());
            node.put("lost", lostTotal);
            ObjectNode why = node.putObject("lost_breakdown");
            lost.forEach(why::put);
            if (built > 0) {
                node.put("not_counted_image_built_for_real", built);
            }
            if (firstCommit != null) {
                node.put("warm_up_commit_not_counted_ms", firstCommit);
            }
            ObjectNode perHop = node.putObject("per_hop");
            perHop.put("note", "the events' own timestamps; the last hop ends at the Marathon version");
            hops.forEach((hop, values) -> perHop.set(hop, PipelineBench.stats(values, "ms")));
            if (!firstOfItsApp.isEmpty() || !afterItsAppsFirst.isEmpty()) {
                ObjectNode byOrder = node.putObject("by_order_within_its_app");
                byOrder.put("note", "the same commits split: each app's first commit to reach Marathon, and the ones"
                        + " after it, which marathon-applier holds until the app's previous deployment is done"
                        + " (healthy, a real container) — Marathon allows one deployment per app at a time");
                byOrder.set("first_of_its_app", PipelineBench.stats(firstOfItsApp, "ms"));
                byOrder.set("after_its_apps_first", PipelineBench.stats(afterItsAppsFirst, "ms"));
            }
            node.put("note", note);
            return node;
        }
    }

    /** A pushed commit of one app. */
    record Commit(String app, String before, String after, String version) {
        String tag() {
            return after.substring(0, 12);
        }
    }

    final LocalRun local;
    final Path home;
    final ControlPlaneEvents events;
    long initialSyncMs;
    int marathonApps;

    private ControlPlaneRun(LocalRun local, Path home, ControlPlaneEvents events) {
        this.local = local;
        this.home = home;
        this.events = events;
    }

    static ControlPlaneRun start(Path root, String baseImage, LocalRun.ExtraApps extra) throws IOException {
        Path home = Files.createTempDirectory("quayside-control-plane-");
        OUT.printf("%s starting the local run: %d benchmark app(s) (instances %d), %d idle definition(s)%n",
                Instant.now(), extra.repositories(), extra.instances(), extra.idleDefinitions());
        LocalRun local = LocalRun.start(new LocalRun.Options(root, home, false, 0, Map.of(), Duration.ofSeconds(60),
                extra));
        try {
            String registry = local.stack().registryAddress();
            ExecutorService pushers = Executors.newFixedThreadPool(4);
            List<Future<?>> pushes = new ArrayList<>();
            List<String> images = new ArrayList<>();
            // (the sample app's initial image is pushed by LocalRun itself)
            local.extraApps().forEach(app -> images.add(registry + "/" + app + ":" + LocalRun.ExtraApps.INITIAL_TAG));
            for (String image : images) {
                pushes.add(pushers.submit(() -> {
                    docker("tag", baseImage, image);
                    docker("push", "-q", image);
                    docker("rmi", image); // the registry keeps it; the engine pulls it back when a task starts
                }));
            }
            for (Future<?> push : pushes) {
                push.get(120, TimeUnit.SECONDS);
            }
            pushers.shutdownNow();
            local.createRepositories();
            Instant servicesStart = Instant.now();
            local.startServices();
            local.installHooks();
            Instant ready = Instant.now();
            // config-syncer mirrors on a push to the config repo: one commit makes the first (full) sync
            Path config = local.configWorkTree();
            Files.writeString(config.resolve("README.md"), Files.readString(config.resolve("README.md"))
                    + "Benchmark run started " + ready + ".\n");
            SampleApp.commitAndPush(config, "Benchmark: first sync");
            OUT.printf("%s services ready after %d ms%n", ready, Duration.between(servicesStart, ready).toMillis());
            ControlPlaneRun run = new ControlPlaneRun(local, home,
                    new ControlPlaneEvents(local.stack().kafkaBootstrap()));
            ControlPlaneBench.current = run;
            int expected = 1 + extra.repositories() + extra.idleDefinitions();
            run.marathonApps = run.awaitApps(expected, Duration.ofMinutes(15));
            run.initialSyncMs = Duration.between(ready, Instant.now()).toMillis();
            OUT.printf("%s %d of %d apps on Marathon, deployments settled, %d ms after ready%n", Instant.now(),
                    run.marathonApps, expected, run.initialSyncMs);
            return run;
        } catch (Exception e) {
            OUT.println(local.logTails(20));
            local.close();
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
    }

    /** Waits until Marathon lists {@code expected} apps and no deployment runs (bounded); returns the count. */
    int awaitApps(int expected, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        int count = 0;
        while (Instant.now().isBefore(deadline)) {
            JsonNode apps = getJson(local.stack().marathonUrl() + "/v2/apps");
            count = apps == null ? 0 : apps.path("apps").size();
            if (count >= expected) {
                JsonNode deployments = getJson(local.stack().marathonUrl() + "/v2/deployments");
                if (deployments != null && deployments.isEmpty()) {
                    return count;
                }
            }
            sleep(500);
        }
        OUT.printf("only %d of %d apps on Marathon (or deployments still running) after %s%n", count, expected,
                timeout);
        return count;
    }

    /** {@code n} commits of {@code app}, each sent when the previous one was deployed (or failed). */
    Figures sequential(String app, int n) {
        Figures f = new Figures();
        Figures warmUp = new Figures();
        for (int i = 0; i <= n; i++) {
            Commit commit = commit(app, "seq-" + i);
            copyTag(app, commit.tag());
            SampleApp.git(local.workTree(app), "push", "-q", "origin", "main");
            Instant sent = Instant.now();
            int status = webhook(commit);
            Instant version = awaitVersion(commit, Duration.ofSeconds(90));
            boolean deployed = events.awaitDeployed(commit, Duration.ofSeconds(90));
            String line = account(commit, sent, version, i == 0 ? warmUp : f);
            if (i == 0 && !warmUp.overhead.isEmpty()) {
                f.firstCommit = warmUp.overhead.get(0);
            }
            OUT.printf("%s commit %d/%d %s@%s: webhook %d, %s%s%n", Instant.now(), i, n, app, commit.tag(), status,
                    line, deployed ? "" : " (no deployment outcome within 90 s)");
        }
        return f;
    }

    /** {@code perApp} commits for every extra app, all webhooks at once (each app's in order). */
    Figures burst(int perApp) throws Exception {
        List<String> apps = local.extraApps();
        Map<String, List<Commit>> commits = new LinkedHashMap<>();
        for (String app : apps) {
            List<Commit> list = new ArrayList<>();
            for (int k = 1; k <= perApp; k++) {
                Commit c = commit(app, "burst-" + k);
                copyTag(app, c.tag());
                list.add(c);
            }
            SampleApp.git(local.workTree(app), "push", "-q", "origin", "main");
            commits.put(app, list);
        }
        OUT.printf("%s burst: %d commits of %d apps committed, pushed and their images tagged; sending the webhooks%n",
                Instant.now(), apps.size() * perApp, apps.size());
        Map<Commit, Instant> sent = new ConcurrentHashMap<>();
        ExecutorService senders = Executors.newFixedThreadPool(apps.size());
        Instant burstStart = Instant.now();
        List<Future<?>> futures = new ArrayList<>();
        for (List<Commit> list : commits.values()) {
            futures.add(senders.submit(() -> {
                for (Commit c : list) {
                    sent.put(c, Instant.now());
                    webhook(c);
                }
            }));
        }
        for (Future<?> future : futures) {
            future.get(120, TimeUnit.SECONDS);
        }
        senders.shutdownNow();
        Instant allSent = Instant.now();
        OUT.printf("%s burst: %d webhooks answered in %d ms%n", allSent, sent.size(),
                Duration.between(burstStart, allSent).toMillis());
        // wait (bounded) until each app's last commit reached Marathon, then a little longer for stragglers
        Map<Commit, Instant> versions = new ConcurrentHashMap<>();
        Instant deadline = Instant.now().plus(Duration.ofMinutes(6));
        while (Instant.now().isBefore(deadline)) {
            boolean allLast = true;
            for (Map.Entry<String, List<Commit>> e : commits.entrySet()) {
                Map<String, Instant> byTag = versionsByTag(e.getKey());
                for (Commit c : e.getValue()) {
                    Instant v = byTag.get(c.tag());
                    if (v != null) {
                        versions.put(c, v);
                    }
                }
                allLast &= versions.containsKey(e.getValue().get(e.getValue().size() - 1));
            }
            if (allLast) {
                break;
            }
            sleep(2000);
        }
        OUT.printf("%s burst: %d of %d commits reached Marathon, %d ms after the first webhook%n", Instant.now(),
                versions.size(), sent.size(), Duration.between(burstStart, Instant.now()).toMillis());
        Figures f = new Figures();
        for (Map.Entry<String, List<Commit>> e : commits.entrySet()) {
            List<Commit> list = e.getValue();
            boolean appReached = false;
            for (int k = 0; k < list.size(); k++) {
                Commit c = list.get(k);
                int counted = f.overhead.size();
                account(c, sent.get(c), versions.get(c), f);
                if (f.overhead.size() > counted) {
                    (appReached ? f.afterItsAppsFirst : f.firstOfItsApp).add(f.overhead.get(counted));
                }
                appReached |= versions.get(c) != null;
                if (versions.get(c) == null) {
                    boolean laterArrived = list.subList(k + 1, list.size()).stream().anyMatch(versions::containsKey);
                    BuildFinished build = events.builds.get(c.after());
                    String why = build != null && build.outcome() == BuildOutcome.SUPERSEDED
                            ? "superseded_in_image_builder_by_a_newer_commit"
                            : laterArrived ? "skipped_downstream_a_newer_commit_of_the_app_reached_marathon"
                            : events.pushed.containsKey(c.after()) ? "no_marathon_request_within_the_wait"
                            : "no_commit_pushed_event";
                    f.lost.merge(why, 1, Integer::sum);
                }
            }
        }
        f.note = perApp + " commits to each of " + apps.size() + " apps (instances 1, real containers), all "
                + sent.size() + " webhooks sent at once (" + apps.size() + " senders, each app's in order; all "
                + "answered within " + Duration.between(burstStart, allSent).toMillis() + " ms); waited at most "
                + "6 min for each app's last commit; lost = no Marathon version with the commit's image tag";
        return f;
    }

    /** Adds the commit's figures; returns a line for the log. */
    private String account(Commit c, Instant sent, Instant version, Figures f) {
        Instant pushed = events.pushedAt(c.after());
        ImageBuilt image = events.images.get(c.after());
        if (pushed != null && sent != null) {
            f.webhookToEvent.add((double) Duration.between(sent, pushed).toMillis());
        }
        if (version == null || pushed == null) {
            return version == null ? "no Marathon version with its tag" : "no CommitPushed event seen";
        }
        if (image != null && !image.reused()) {
            f.built++;
            return "image was built for real: not counted";
        }
        double ms = Duration.between(pushed, version).toMillis();
        f.overhead.add(ms);
        Map<EventType, Instant> chain = events.chains.getOrDefault(events.pushed.get(c.after()).id(), Map.of());
        EventType[] stages = {EventType.COMMIT_PUSHED, EventType.IMAGE_BUILT, EventType.TAG_UPDATED,
                EventType.CONFIG_SYNCED};
        for (int i = 0; i < stages.length; i++) {
            Instant from = chain.get(stages[i]);
            Instant to = i + 1 < stages.length ? chain.get(stages[i + 1]) : version;
            if (from != null && to != null) {
                f.hops.computeIfAbsent(stages[i].name().toLowerCase() + "->" + (i + 1 < stages.length
                        ? stages[i + 1].name().toLowerCase() : "marathon_version"), k -> new ArrayList<>())
                        .add((double) Duration.between(from, to).toMillis());
            }
        }
        return String.format("control-plane overhead %.0f ms (CommitPushed %s → Marathon version %s)", ms, pushed,
                version);
    }

    /** Commits a new version of {@code app} in its work tree (not pushed yet). */
    private Commit commit(String app, String label) {
        Path work = local.workTree(app);
        String before = SampleApp.git(work, "rev-parse", "HEAD").trim();
        String version = label + "." + System.nanoTime();
        SampleApp.setVersion(work, version);
        SampleApp.git(work, "add", "-A");
        SampleApp.git(work, "-c", "user.name=Quayside Bench", "-c", "user.email=bench@quayside.invalid",
                "commit", "-q", "-m", "Serve version " + version);
        return new Commit(app, before, SampleApp.git(work, "rev-parse", "HEAD").trim(), version);
    }

    /** Puts the app's initial image under the tag image-builder will look up for the commit (manifest copy). */
    private void copyTag(String app, String tag) {
        String base = "http://" + local.stack().registryAddress() + "/v2/" + app + "/manifests/";
        try {
            HttpResponse<byte[]> manifest = HTTP.send(HttpRequest.newBuilder(URI.create(base
                    + LocalRun.ExtraApps.INITIAL_TAG)).header("Accept", MANIFEST_TYPES)
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
            if (manifest.statusCode() != 200) {
                throw new IllegalStateException("registry: GET " + app + ":initial answered " + manifest.statusCode());
            }
            String type = manifest.headers().firstValue("Content-Type").orElseThrow();
            HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(URI.create(base + tag))
                    .header("Content-Type", type).timeout(Duration.ofSeconds(10))
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest.body())).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (put.statusCode() != 201) {
                throw new IllegalStateException("registry: PUT " + app + ":" + tag + " answered " + put.statusCode()
                        + " " + put.body());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The signed generic webhook git-watcher's post-receive hook sends for one ref update; returns the status. */
    private int webhook(Commit c) {
        String body = "{\"repository\":\"" + c.app() + "\",\"ref\":\"refs/heads/main\",\"before\":\"" + c.before()
                + "\",\"after\":\"" + c.after() + "\",\"pusher\":{\"name\":\"bench\"}}";
        try {
            String signature = Hmac.sha256Hex(local.webhookSecret(), body.getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(
                    local.services().get("git-watcher").url() + "/webhooks/generic"))
                    .header("Content-Type", "application/json").header("X-Quayside-Event", "push")
                    .header("X-Quayside-Delivery", UUID.randomUUID().toString())
                    .header("X-Quayside-Signature-256", "sha256=" + signature).timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                OUT.printf("webhook for %s@%s answered %d: %s%n", c.app(), c.tag(), response.statusCode(),
                        response.body());
            }
            return response.statusCode();
        } catch (IOException e) {
            OUT.printf("webhook for %s@%s failed: %s%n", c.app(), c.tag(), e);
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The Marathon version (its timestamp) whose image carries the commit's tag, polled until {@code timeout}. */
    private Instant awaitVersion(Commit c, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            Instant v = versionsByTag(c.app()).get(c.tag());
            if (v != null) {
                return v;
            }
            sleep(100);
        }
        return null;
    }

    private final Map<String, Map<String, String>> tagOfVersion = new ConcurrentHashMap<>();

    /**
     * Image tag → the earliest Marathon version (timestamp) of {@code app} whose definition has that image, from
     * Marathon's own versions API (each version's definition read once).
     */
    private Map<String, Instant> versionsByTag(String app) {
        String url = local.stack().marathonUrl() + "/v2/apps/" + LocalRun.ENVIRONMENT + "/" + app + "/versions";
        JsonNode versions = getJson(url);
        Map<String, String> known = tagOfVersion.computeIfAbsent(app, k -> new ConcurrentHashMap<>());
        if (versions != null) {
            for (JsonNode v : versions.path("versions")) {
                known.computeIfAbsent(v.asText(), version -> {
                    JsonNode def = getJson(url + "/" + version);
                    String image = def == null ? "" : def.path("container").path("docker").path("image").asText("");
                    return ThroughputTracker.tagOf(image);
                });
            }
        }
        Map<String, Instant> byTag = new LinkedHashMap<>();
        known.entrySet().stream().sorted(Map.Entry.comparingByKey(Comparator.comparing(Instant::parse)))
                .forEach(e -> byTag.putIfAbsent(e.getValue(), Instant.parse(e.getKey())));
        return byTag;
    }

    private boolean closed;

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        String registry = local.stack().registryAddress() + "/";
        events.close();
        local.close();
        deleteTree(home);
        ControlPlaneBench.current = null;
        // the tags this run's registry left in the engine (pushed or pulled for tasks): all the one base image
        try {
            String[] tags = docker("images", "--format", "{{.Repository}}:{{.Tag}}").split("\n");
            List<String> mine = Stream.of(tags).filter(t -> t.startsWith(registry)).toList();
            if (!mine.isEmpty()) {
                List<String> command = new ArrayList<>(List.of("rmi"));
                command.addAll(mine);
                docker(command.toArray(String[]::new));
            }
        } catch (RuntimeException e) {
            OUT.println("could not remove this run's image tags: " + e.getMessage());
        }
    }

    private static JsonNode getJson(String url) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? EventCodec.mapper().readTree(response.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
