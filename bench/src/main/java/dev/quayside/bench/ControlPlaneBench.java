package dev.quayside.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quayside.devstack.docker.SampleApp;
import dev.quayside.devstack.launcher.DockerCli;
import dev.quayside.devstack.launcher.LocalRun;
import dev.quayside.events.CommitPushed;
import dev.quayside.events.EventCodec;
import dev.quayside.events.ImageBuilt;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Control-plane overhead, measured exactly: <b>webhook accepted</b> (the {@code CommitPushed} event's own timestamp,
 * set by git-watcher once the signed webhook is verified) → <b>first Marathon request for the commit</b> (the version
 * Marathon stamped when it received the new definition: {@code GET /v2/apps/{id}/versions}, matched to the commit by
 * the image tag in {@code GET /v2/apps/{id}/versions/{version}}), minus {@code docker build} and {@code docker push}.
 * <p>
 * Every commit here goes through image-builder's "image already in the registry" path: before git-watcher hears of a
 * commit, the benchmark copies the app's existing image manifest to {@code <registry>/<app>:<first 12 hex of the
 * commit>} (the tag image-builder looks up), so image-builder answers {@code ImageBuilt} with {@code reused: true} and
 * runs neither {@code docker build} nor {@code docker push}: nothing is subtracted (a commit whose image was built
 * after all is reported, not counted).
 * <p>
 * Commits reach git-watcher as signed webhooks to its generic endpoint, exactly as its shipped {@code post-receive}
 * hook sends them (the commit is pushed to the bare repository first).
 * <p>
 * Phases ({@code -Dbench.phases}, default {@code sequential,burst,scaling}): {@code sequential}
 * ({@code -Dbench.sequential.commits}, default 50, one app, each commit after the previous one was deployed),
 * {@code burst} ({@code -Dbench.burst.apps} 50 apps × {@code -Dbench.burst.commits} 4 commits, every webhook sent at
 * once), {@code scaling} (config repository with {@code -Dbench.scaling.apps} 10,100,1000 app definitions, the extra
 * ones with 0 instances; {@code -Dbench.scaling.commits} 15 sequential commits each). Writes
 * {@code bench/results/parts/control-plane.json} (or {@code -Dbench.output}).
 */
public final class ControlPlaneBench {

    static final PrintStream OUT = System.out;

    private final Path root;
    private final String baseImage;

    private ControlPlaneBench(Path root, String baseImage) {
        this.root = root;
        this.baseImage = baseImage;
    }

    /** The run under way, closed by the shutdown hook when the bench is stopped early. */
    static volatile ControlPlaneRun current;

    public static void main(String[] args) throws Exception {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ControlPlaneRun run = current;
            if (run != null) {
                run.close(); // stopped early (Ctrl-C, SIGTERM): leave no service, broker or container behind
            }
        }, "control-plane-bench-cleanup"));
        Path root = Path.of(System.getProperty("quayside.root", ".")).toAbsolutePath().normalize();
        Set<String> phases = Set.of(System.getProperty("bench.phases", "sequential,burst,scaling").split(","));
        int sequentialCommits = Integer.getInteger("bench.sequential.commits", 50);
        int burstApps = Integer.getInteger("bench.burst.apps", 50);
        int burstCommits = Integer.getInteger("bench.burst.commits", 4);
        int scalingCommits = Integer.getInteger("bench.scaling.commits", 15);
        List<Integer> scalingSizes = Stream.of(System.getProperty("bench.scaling.apps", "10,100,1000").split(","))
                .map(String::trim).map(Integer::valueOf).toList();
        Path output = Path.of(System.getProperty("bench.output",
                root.resolve("bench/results/parts/control-plane.json").toString()));

        ObjectNode json = EventCodec.mapper().createObjectNode();
        json.put("machine", PipelineBench.machine());
        json.put("commit", PipelineBench.gitHead(root));
        json.put("measured_at", Instant.now().toString());
        json.put("method", "webhook accepted = CommitPushed context.timestamp (git-watcher, after the HMAC check); "
                + "first Marathon request = the app version Marathon stamped on receiving the definition "
                + "(GET /v2/apps/{id}/versions, matched by image tag in /versions/{v}); build+push subtracted = 0: every "
                + "commit's image was already in the registry (image-builder's exists path, ImageBuilt reused=true, "
                + "no docker build/push); commits sent as signed generic webhooks like git-watcher's post-receive hook");
        ObjectNode overhead = json.putObject("control_plane_overhead");
        ObjectNode webhook = json.putObject("webhook_request_to_commit_pushed");
        webhook.put("note", "client-side: webhook request sent → CommitPushed timestamp (git-watcher's handling before "
                + "it stamps the event: HMAC check, listing the pushed commits from the repository, de-duplication)");

        String base = buildBaseImage();
        ControlPlaneBench bench = new ControlPlaneBench(root, base);
        try {
            if (phases.contains("sequential") || phases.contains("burst")) {
                bench.sequentialAndBurst(phases.contains("sequential") ? sequentialCommits : 0,
                        phases.contains("burst") ? burstApps : 0, burstCommits, overhead, webhook);
                write(output, json);
            }
            if (phases.contains("scaling")) {
                ObjectNode scaling = overhead.putObject("scaling_control_plane");
                for (int apps : scalingSizes) {
                    scaling.set("apps_" + apps, bench.scaling(apps, scalingCommits));
                    write(output, json);
                }
            }
        } finally {
            docker("rmi", base);
        }
        write(output, json);
        OUT.println(EventCodec.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(json));
    }

    // ------------------------------------------------------------------------------------------------- phases

    private void sequentialAndBurst(int sequential, int burstApps, int perApp, ObjectNode overhead, ObjectNode webhook)
            throws Exception {
        int apps = Math.max(1, burstApps);
        try (ControlPlaneRun run = ControlPlaneRun.start(root, baseImage, new LocalRun.ExtraApps(apps, 1, 0))) {
            if (sequential > 0) {
                ControlPlaneRun.Figures f = run.sequential(run.local.extraApps().get(0), sequential);
                overhead.set("sequential", f.overhead(sequential, "one app (instances 1), " + sequential
                        + " commits one after another, each after the previous one was deployed; config repo with "
                        + (apps + 1) + " app definitions"));
                webhook.set("sequential", PipelineBench.stats(f.webhookToEvent, "ms"));
            }
            if (burstApps > 0) {
                ControlPlaneRun.Figures f = run.burst(perApp);
                overhead.set("burst_200_commits_50_apps", f.overhead(burstApps * perApp, f.note));
                webhook.set("burst", PipelineBench.stats(f.webhookToEvent, "ms"));
            }
        }
    }

    private ObjectNode scaling(int apps, int commits) throws Exception {
        // the sample app and one benchmark app, the rest idle definitions with 0 instances
        try (ControlPlaneRun run = ControlPlaneRun.start(root, baseImage, new LocalRun.ExtraApps(1, 1, Math.max(0, apps - 2)))) {
            ControlPlaneRun.Figures f = run.sequential(run.local.extraApps().get(0), commits);
            ObjectNode node = f.overhead(commits, "config repo with " + apps + " app definitions (" + Math.max(0, apps - 2)
                    + " with instances 0); " + commits + " sequential commits to one app (instances 1); first sync of "
                    + "all definitions to Marathon took " + run.initialSyncMs + " ms after the services were ready");
            node.put("initial_sync_ms", run.initialSyncMs);
            node.put("marathon_apps", run.marathonApps);
            return node;
        }
    }

    // ------------------------------------------------------------------------------------------------- helpers

    /** Builds the sample app once as the image every benchmark app starts from; returns its local name. */
    private static String buildBaseImage() throws IOException {
        Path dir = Files.createTempDirectory("quayside-bench-image-");
        try {
            SampleApp.writeSource(dir, "bench");
            String name = "quayside-control-plane-bench:" + Long.toHexString(System.nanoTime());
            docker("build", "-q", "-t", name, dir.toString());
            return name;
        } finally {
            deleteTree(dir);
        }
    }

    private static void write(Path output, ObjectNode json) throws IOException {
        Files.createDirectories(output.getParent());
        Files.writeString(output, EventCodec.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
    }

    static String docker(String... args) {
        return DockerCli.run(Duration.ofSeconds(120), args);
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort: a temporary folder
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
