package dev.quayside.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quayside.devstack.docker.DockerEngine;
import dev.quayside.devstack.launcher.chaos.ChaosRun;
import dev.quayside.devstack.launcher.chaos.FinalStateChecker;
import dev.quayside.devstack.launcher.chaos.FinalStateChecker.Report;
import dev.quayside.devstack.launcher.chaos.Scenario;
import dev.quayside.devstack.launcher.chaos.Workload;
import dev.quayside.events.EventCodec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code bin/quayside chaos [scenario...]}: runs the chaos scenarios ({@link Scenario#all()} by default), each on a fresh
 * stack, and writes {@code bench/results/parts/chaos.json} after every scenario (a scenario not run this time keeps
 * its last result) and the table in {@code docs/reliability.md} between its markers. Exits 0 when every scenario ran
 * to the end — findings are figures, not failures — and 1 when one could not run.
 *
 * <p>System properties: {@code chaos.seed} (default: the time), {@code chaos.home} (default: a temporary folder),
 * {@code chaos.apps}, {@code chaos.build-apps}, {@code chaos.commits} (the workload, default 20, 4, 100).
 */
public final class ChaosBench {

    static final String BEGIN = "<!-- chaos-table:begin -->";
    static final String END = "<!-- chaos-table:end -->";

    private ChaosBench() {
    }

    public static void main(String[] args) throws IOException {
        Path root = Path.of(System.getProperty("quayside.root", ".")).toAbsolutePath().normalize();
        PrintStream out = System.out;
        List<Scenario> scenarios = args.length == 0 ? Scenario.all() : Scenario.named(Arrays.asList(args));
        DockerEngine.requireRunning();
        long seed = Long.getLong("chaos.seed", System.currentTimeMillis());
        Path home = System.getProperty("chaos.home") != null ? Path.of(System.getProperty("chaos.home"))
                : Files.createTempDirectory("quayside-chaos-");
        Workload.Size defaults = Workload.Size.DEFAULT;
        Workload.Size size = new Workload.Size(Integer.getInteger("chaos.apps", defaults.apps()),
                Integer.getInteger("chaos.build-apps", defaults.buildApps()),
                Integer.getInteger("chaos.commits", defaults.commits()), defaults.pushers(), defaults.wideApps(),
                defaults.pollInterval());
        ChaosRun run = new ChaosRun(ChaosRun.Options.defaults(root, home, seed).withSize(size), out);
        out.println("chaos: " + scenarios.size() + " scenario(s), seed " + seed + ", workload " + size + ", home " + home);
        Path part = root.resolve("bench/results/parts/chaos.json");
        boolean allRan = true;
        for (Scenario scenario : scenarios) {
            ChaosRun.Result result = run.run(scenario);
            allRan &= result.error() == null;
            ObjectNode chaos = update(part, result, size, seed, root);
            Files.createDirectories(part.getParent());
            ObjectNode json = EventCodec.mapper().createObjectNode();
            json.set("chaos", chaos);
            Files.writeString(part, EventCodec.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
            writeTable(root.resolve("docs/reliability.md"), chaos);
        }
        out.println(ChaosTable.markdown(EventCodec.mapper().readTree(part.toFile()).path("chaos")));
        System.exit(allRan ? 0 : 1);
    }

    /** The part's {@code chaos} object with {@code result}'s row replaced (the other scenarios keep their last rows). */
    static ObjectNode update(Path part, ChaosRun.Result result, Workload.Size size, long seed, Path root)
            throws IOException {
        ObjectNode chaos = EventCodec.mapper().createObjectNode();
        JsonNode previous = Files.exists(part) ? EventCodec.mapper().readTree(part.toFile()).path("chaos") : null;
        chaos.put("machine", PipelineBench.machine());
        chaos.put("commit", PipelineBench.gitHead(root));
        chaos.put("measured_at", Instant.now().toString());
        ObjectNode workload = chaos.putObject("workload");
        workload.put("apps", size.apps());
        workload.put("build_path_apps", size.buildApps());
        workload.put("commits", size.commits());
        workload.put("pushers", size.pushers());
        workload.put("apps_with_2_instances", size.wideApps());
        workload.put("poll_interval", size.pollInterval());
        ObjectNode scenarios = chaos.putObject("scenarios");
        List<String> order = new ArrayList<>();
        Scenario.all().forEach(s -> order.add(s.name()));
        for (String name : order) {
            if (name.equals(result.scenario())) {
                scenarios.set(name, row(result, seed));
            } else if (previous != null && previous.path("scenarios").has(name)) {
                scenarios.set(name, previous.path("scenarios").path(name));
            }
        }
        chaos.put("note", NOTE);
        return chaos;
    }

    static final String NOTE = "Each scenario on a fresh local stack (random 127.0.0.1 ports; Consul, Marathon,"
            + " Chronos, the registry and Docker behind fault proxies): a burst of real commits round-robin over the"
            + " apps (webhooks from git-watcher's post-receive hook, and polling every 10 s), the fault injected after"
            + " a random commit of the burst and healed, then quiescence (no event and no notification for 15 s with"
            + " every chain terminal and no Marathon deployment running, or 120 s quiet while chains are open; at most"
            + " 8 min), then FinalStateChecker (issue #20's six properties). silent = pushed commits whose chain has"
            + " no terminal event; lost = apps whose newest commit is not what the config repo pins, KV holds and"
            + " Marathon runs (not counting rolled_back: the newest commit's deployment failed, was rolled back and the"
            + " rollback written back, Git, KV and Marathon agreeing); duplicated = doubled effects by kind; recover = heal -> last event or notification.";

    static ObjectNode row(ChaosRun.Result result, long seed) {
        ObjectNode row = EventCodec.mapper().createObjectNode();
        row.put("description", result.description());
        row.put("measured_at", result.startedAt().toString());
        row.put("seed", seed);
        row.put("fault_at_commit", result.faultAtCommit());
        row.put("took_s", Math.round(result.tookSeconds()));
        if (result.error() != null) {
            row.put("error", result.error());
            return row;
        }
        Report report = result.report();
        row.put("fault", result.fault());
        row.put("commits_sent", report.commitsSent());
        row.put("chains_terminal", report.chainsTerminal());
        row.put("silent", report.silent());
        row.put("lost", report.lost());
        row.put("rolled_back", report.rolledBack());
        ObjectNode duplicated = row.putObject("duplicated");
        report.duplicated().forEach(duplicated::put);
        row.put("duplicated_total", report.duplicatedTotal());
        row.put("redelivered_same_id", report.redelivered());
        row.put("recover_s", Math.round(result.recoverSeconds() * 10) / 10.0);
        row.put("quiet", result.quiet());
        row.put("quiet_after_s", Math.round(result.quietAfterSeconds()));
        ObjectNode stopped = row.putObject("silent_chains_stopped_at");
        report.stoppedAt().forEach(stopped::put);
        ObjectNode findings = row.putObject("findings");
        report.byKind().forEach(findings::put);
        ArrayNode sample = row.putArray("findings_sample");
        FinalStateChecker.sorted(report.findings()).stream().limit(40).forEach(f -> sample.add(f.toString()));
        return row;
    }

    /** Replaces the table between the markers of {@code docs/reliability.md} (the file must have them). */
    static void writeTable(Path doc, JsonNode chaos) throws IOException {
        String text = Files.readString(doc);
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalStateException(doc + " has no " + BEGIN + " ... " + END + " section for the table");
        }
        String table = BEGIN + "\n\nLast run: " + chaos.path("machine").asText() + ", commit `"
                + chaos.path("commit").asText() + "`, " + chaos.path("measured_at").asText().substring(0, 16).replace('T', ' ')
                + " UTC; workload " + chaos.path("workload").path("commits").asInt() + " commits over "
                + chaos.path("workload").path("apps").asInt() + " apps (" + chaos.path("workload")
                .path("build_path_apps").asInt() + " built, the rest image-exists). Each row's own date and seed are in"
                + " `bench/results/parts/chaos.json`.\n\n" + ChaosTable.markdown(chaos) + "\n";
        Files.writeString(doc, text.substring(0, begin) + table + text.substring(end));
    }
}
