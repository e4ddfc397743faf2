package dev.quayside.configsyncer.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quayside.configsyncer.client.ConsulClient;
import dev.quayside.configsyncer.client.GitClient;
import dev.quayside.configsyncer.client.GitWorkspace;
import dev.quayside.configsyncer.service.ConfigRepo;
import dev.quayside.configsyncer.service.ConfigSyncerBench;
import dev.quayside.configsyncer.service.SyncSettings;
import dev.quayside.events.ConfigSynced;
import io.vertx.mutiny.core.Vertx;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
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
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.lib.ObjectId;

/**
 * Issue #13, items 5 and 7 (mirror half): Quayside's git2consul mirror ({@link MirrorService}, unchanged) against a
 * naive git2consul-style mirror written here, both against the same Consul stand-in (a child JVM on 127.0.0.1), on
 * the same repository contents, with the same key layout under different mountpoints. A {@code main}, not a test:
 * it never runs in {@code verify}. Run from the repository root with {@code config-syncer/bench/mirror.sh}.
 *
 * <p>The naive mirror does what git2consul's {@code lib/consul/index.js} does: read the {@code <branch>.ref} key; no
 * ref → one {@code PUT /v1/kv/<key>} per file of the tree; a ref → {@code git diff --name-status ref HEAD} and one
 * PUT (or DELETE) per changed file; then PUT the ref. git2consul fires those requests without waiting for each
 * other; the naive baseline sends them one at a time ({@code naive}) and, for initial syncs, also with up to
 * {@code bench.naive.concurrency} in flight ({@code naive_concurrent}). Git reads go through the same production
 * {@link GitWorkspace} in both mirrors, so the comparison isolates how the keys reach Consul.
 *
 * <p>System properties: {@code quayside.root} (repository root; found from the working directory by default),
 * {@code bench.out} (default {@code bench/results/parts/mirror.json}, relative to the root), {@code quayside.shared.dir}
 * (default {@code <root>/../shared}), {@code bench.runs} (initial syncs per figure, default 5), {@code bench.changes}
 * (measured one-file changes per figure, default 40), {@code bench.warmup} (unmeasured changes first, default 5),
 * {@code bench.naive.concurrency} (default 16), {@code bench.timeout.minutes} (whole run, default 30), and for short
 * development runs {@code bench.files} (default {@code 1000,10000}; the last also gets the one-file change) and
 * {@code bench.apps} (default {@code 10,100,1000}).
 */
public final class MirrorBench {

    static final String REPO = "deploy";
    static final String BRANCH = "main";
    static final String[] ENVS = {"dev", "staging", "prod", "qa", "perf"};
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    final Path root;
    final Path shared;
    final Path out;
    final int runs = Integer.getInteger("bench.runs", 5);
    final int changes = Integer.getInteger("bench.changes", 40);
    final int warmup = Integer.getInteger("bench.warmup", 5);
    final int concurrency = Integer.getInteger("bench.naive.concurrency", 16);
    final Path tmp;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    final Vertx vertx = Vertx.vertx();
    String consulUrl;
    ConsulClient consulClient;
    ObjectNode template;
    int sequence;

    MirrorBench(Path root) throws IOException {
        this.root = root;
        this.shared = Path.of(System.getProperty("quayside.shared.dir", root.resolve("../shared").toString()))
                .toAbsolutePath().normalize();
        Path o = Path.of(System.getProperty("bench.out", "bench/results/parts/mirror.json"));
        this.out = (o.isAbsolute() ? o : root.resolve(o)).normalize();
        this.tmp = Files.createTempDirectory("quayside-mirror-bench");
    }

    public static void main(String[] args) throws Exception {
        Path root = root();
        long timeoutMinutes = Long.getLong("bench.timeout.minutes", 30);
        AtomicReference<Process> child = new AtomicReference<>();
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mirror-bench-watchdog");
            t.setDaemon(true);
            return t;
        });
        watchdog.schedule(() -> {
            System.err.println("MirrorBench: over " + timeoutMinutes + " minutes, giving up (nothing written)");
            Process p = child.get();
            if (p != null) {
                p.destroyForcibly();
            }
            Runtime.getRuntime().halt(3);
        }, timeoutMinutes, TimeUnit.MINUTES);
        MirrorBench bench = new MirrorBench(root);
        int status = 0;
        try {
            child.set(bench.startConsul());
            bench.run();
        } catch (Exception | AssertionError e) {
            e.printStackTrace();
            status = 1;
        } finally {
            Process p = child.get();
            if (p != null) {
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            bench.vertx.closeAndAwait();
            deleteTree(bench.tmp);
        }
        System.exit(status);
    }

    /** The repository root: {@code -Dquayside.root}, else the first directory upwards with mvnw and config-syncer. */
    static Path root() {
        String given = System.getProperty("quayside.root");
        if (given != null && !given.isBlank()) {
            return Path.of(given).toAbsolutePath().normalize();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("mvnw")) && Files.exists(p.resolve("config-syncer/pom.xml"))) {
                return p;
            }
        }
        return Path.of("..").toAbsolutePath().normalize();
    }

    // ---------------------------------------------------------------- the Consul stand-in, in a child JVM

    /** Like the config-syncer ITs' {@code ConsulProcessResource}: {@code ConsulStandInMain} in a child JVM. */
    Process startConsul() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(List.of(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                "dev.quayside.devstack.consul.ConsulStandInMain", "--port", String.valueOf(port)))
                .redirectErrorStream(true).start();
        BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    if (line.contains("listening on")) {
                        return line;
                    }
                }
            } catch (IOException e) {
                // fall through
            }
            return null;
        });
        if (ready.get(60, TimeUnit.SECONDS) == null) {
            process.destroyForcibly();
            throw new IllegalStateException("the Consul stand-in exited before listening");
        }
        Thread drain = new Thread(() -> reader.lines().forEach(l -> { }), "consul-standin-output");
        drain.setDaemon(true);
        drain.start();
        consulUrl = "http://127.0.0.1:" + port;
        consulClient = new ConsulClient(vertx, consulUrl, null, Duration.ofSeconds(30), null);
        return process;
    }

    // ---------------------------------------------------------------- the run

    void run() throws Exception {
        String loadBefore = loadAverage();
        Instant started = Instant.now();
        template = template(shared.resolve("fixtures/marathon/app.json"));
        System.out.printf("MirrorBench: Consul stand-in %s, %d initial runs, %d+%d changes, naive concurrency %d%n",
                consulUrl, runs, warmup, changes, concurrency);

        // warm-up of both mirrors' code paths (not reported)
        Source warm = Source.create(tmp.resolve("warm.git"), files(Integer.getInteger("bench.warmup.files", 1_000), ENVS.length));
        initialRun(warm, "warm", false);
        changeSeries(warm, "warm", 0, 10);
        warm.close();

        ObjectNode result = JSON.createObjectNode();
        ObjectNode mirror = result.putObject("mirror");
        ObjectNode scaling = result.putObject("scaling_mirror");

        int[] sizes = ints("bench.files", "1000,10000");
        for (int i = 0; i < sizes.length; i++) {
            int size = sizes[i];
            Source s = Source.create(tmp.resolve("f" + size + ".git"), files(size, ENVS.length));
            mirror.set("initial_" + size + "_files", initialFigure(s, "f" + size));
            if (i == sizes.length - 1) {
                mirror.set("one_file_change_" + size + "_files", changeSeries(s, "f" + size + "c", warmup, changes));
            }
            s.close();
        }

        for (int apps : ints("bench.apps", "10,100,1000")) {
            Source s = Source.create(tmp.resolve("apps" + apps + ".git"), files(apps, 3));
            ObjectNode node = scaling.putObject("apps_" + apps);
            node.put("apps", apps);
            node.put("files", apps);
            node.set("initial", initialFigure(s, "apps" + apps));
            node.set("one_file_change", changeSeries(s, "apps" + apps + "c", warmup, changes));
            s.close();
        }

        String loadAfter = loadAverage();
        result.put("machine", machine(loadBefore, loadAfter));
        result.put("note", note());
        result.put("measured_at", started.toString());
        result.put("duration_s", Duration.between(started, Instant.now()).toSeconds());
        Files.createDirectories(out.getParent());
        JSON.writeValue(out.toFile(), result);
        System.out.println();
        printTable(result);
        System.out.println("MirrorBench: wrote " + out);
    }

    /** {@code runs} initial syncs of each mirror (fresh prefix and fresh local clone each), verified equal. */
    ObjectNode initialFigure(Source source, String name) throws Exception {
        List<Double> quayside = new ArrayList<>();
        List<Double> naive = new ArrayList<>();
        List<Double> concurrent = new ArrayList<>();
        List<Double> fetch = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            double[] t = initialRun(source, name + "-r" + (r + 1), r % 2 == 1);
            quayside.add(t[0]);
            naive.add(t[1]);
            concurrent.add(t[2]);
            fetch.add(t[3]);
        }
        ObjectNode figure = stats(quayside);
        figure.put("files", source.files.size());
        figure.put("bytes", source.files.values().stream().mapToLong(v -> v.getBytes(StandardCharsets.UTF_8).length).sum());
        figure.set("naive", stats(naive));
        figure.put("ratio_p50", ratio(figure.get("naive").get("p50").asDouble() / figure.get("p50").asDouble()));
        ObjectNode conc = stats(concurrent);
        conc.put("in_flight", concurrency);
        figure.set("naive_concurrent", conc);
        figure.put("ratio_p50_concurrent", ratio(conc.get("p50").asDouble() / figure.get("p50").asDouble()));
        figure.set("git_fetch_only", stats(fetch));
        System.out.printf("  initial %-8s %6d files: quayside p50 %8.1f ms, naive p50 %8.1f ms (x%.2f), naive %d in flight p50 %8.1f ms, fetch alone p50 %.1f ms%n",
                name, source.files.size(), figure.get("p50").asDouble(), figure.get("naive").get("p50").asDouble(),
                figure.get("ratio_p50").asDouble(), concurrency, conc.get("p50").asDouble(),
                figure.get("git_fetch_only").get("p50").asDouble());
        return figure;
    }

    /**
     * One initial sync of each mirror into fresh prefixes with fresh local clones; verifies the two KV trees are
     * identical, then deletes them; then times a plain fetch of the same commit into a fourth fresh clone, the floor
     * every mirror pays. Returns {quayside ms, naive ms, naive concurrent ms, fetch alone ms}.
     */
    double[] initialRun(Source source, String name, boolean naiveFirst) throws Exception {
        Mirror q = new QuaysideMirror(source, "bench/quayside/" + name, tmp.resolve("work-" + ++sequence));
        Mirror n = new NaiveMirror(source, "bench/naive/" + name, tmp.resolve("work-" + ++sequence), 1);
        Mirror c = new NaiveMirror(source, "bench/naive-concurrent/" + name, tmp.resolve("work-" + ++sequence),
                concurrency);
        double tq;
        double tn;
        if (naiveFirst) {
            tn = timed(n);
            tq = timed(q);
        } else {
            tq = timed(q);
            tn = timed(n);
        }
        double tc = timed(c);
        Path probeDir = tmp.resolve("work-" + ++sequence);
        GitClient probeGit = new GitClient(probeDir);
        GitWorkspace probe = probeGit.workspace(REPO, source.url(), null, null);
        long t = System.nanoTime();
        if (!source.head.equals(probe.fetch(BRANCH))) {
            throw new AssertionError("the plain fetch did not get the head " + source.head.name());
        }
        double tf = (System.nanoTime() - t) / 1e6;
        probe.close();
        deleteTree(probeDir);
        verify(source, q, n, 50);
        verify(source, q, c, 50);
        for (Mirror m : List.of(q, n, c)) {
            m.close();
            deleteTree(m.workDir());
            deletePrefix(m.mountpoint());
        }
        return new double[] {tq, tn, tc, tf};
    }

    /**
     * First syncs both mirrors (not measured), then commits {@code warm + measured} one-file changes to the source
     * and times each mirror's sync of each (order alternating); verifies both trees at the end.
     */
    ObjectNode changeSeries(Source source, String name, int warm, int measured) throws Exception {
        Mirror q = new QuaysideMirror(source, "bench/quayside/" + name, tmp.resolve("work-" + ++sequence));
        Mirror n = new NaiveMirror(source, "bench/naive/" + name, tmp.resolve("work-" + ++sequence), 1);
        q.sync();
        n.sync();
        // the floor both share: fetching the same commit into a third local clone, nothing else
        Path probeDir = tmp.resolve("work-" + ++sequence);
        GitClient probeGit = new GitClient(probeDir);
        GitWorkspace probe = probeGit.workspace(REPO, source.url(), null, null);
        probe.fetch(BRANCH);
        List<Double> quayside = new ArrayList<>();
        List<Double> naive = new ArrayList<>();
        List<Double> fetch = new ArrayList<>();
        List<String> paths = new ArrayList<>(source.files.keySet());
        Random random = new Random(42);
        Set<String> changed = new HashSet<>();
        for (int i = 0; i < warm + measured; i++) {
            String path = paths.get(random.nextInt(paths.size()));
            changed.add(path);
            source.change(path, content(path, 2 + i));
            double tq;
            double tn;
            if (i % 2 == 0) {
                tq = timed(q, 1);
                tn = timed(n, 1);
            } else {
                tn = timed(n, 1);
                tq = timed(q, 1);
            }
            long t = System.nanoTime();
            probe.fetch(BRANCH);
            double tf = (System.nanoTime() - t) / 1e6;
            if (i >= warm) {
                quayside.add(tq);
                naive.add(tn);
                fetch.add(tf);
            }
        }
        probe.close();
        deleteTree(probeDir);
        verify(source, q, n, 20, changed);
        for (Mirror m : List.of(q, n)) {
            m.close();
            deleteTree(m.workDir());
            deletePrefix(m.mountpoint());
        }
        if (measured == 0) {
            return null;
        }
        ObjectNode figure = stats(quayside);
        figure.put("files", source.files.size());
        figure.put("warm_up_changes", warm);
        figure.set("naive", stats(naive));
        figure.put("ratio_p50", ratio(figure.get("naive").get("p50").asDouble() / figure.get("p50").asDouble()));
        figure.set("git_fetch_only", stats(fetch));
        System.out.printf(name.startsWith("warm") ? "  (warm-up)%n" : "  change  %-8s %6d files: quayside p50 %8.1f ms p99 %8.1f, naive p50 %8.1f ms p99 %8.1f (x%.2f), fetch alone p50 %.1f ms%n",
                name, source.files.size(), figure.get("p50").asDouble(), figure.get("p99").asDouble(),
                figure.get("naive").get("p50").asDouble(), figure.get("naive").get("p99").asDouble(),
                figure.get("ratio_p50").asDouble(), figure.get("git_fetch_only").get("p50").asDouble());
        return figure;
    }

    static int[] ints(String property, String defaults) {
        return Arrays.stream(System.getProperty(property, defaults).split(",")).map(String::trim)
                .mapToInt(Integer::parseInt).toArray();
    }

    static double timed(Mirror m) throws Exception {
        return timed(m, -1);
    }

    /** Milliseconds of one sync; {@code expectedFiles} (when not -1) is how many files it must have written. */
    static double timed(Mirror m, int expectedFiles) throws Exception {
        long t = System.nanoTime();
        int written = m.sync();
        double ms = (System.nanoTime() - t) / 1e6;
        if (expectedFiles >= 0 && written != expectedFiles) {
            throw new AssertionError(m + " wrote " + written + " files, expected " + expectedFiles);
        }
        return ms;
    }

    // ---------------------------------------------------------------- honesty checks

    /** Both trees hold exactly the source's files (count, key set) and the same values for a sample and the ref. */
    void verify(Source source, Mirror a, Mirror b, int sample, Set<String> alsoCheck) throws Exception {
        String pa = a.branchPrefix();
        String pb = b.branchPrefix();
        List<String> ka = keys(pa);
        List<String> kb = keys(pb);
        Set<String> ra = new HashSet<>();
        ka.forEach(k -> ra.add(k.substring(pa.length())));
        Set<String> rb = new HashSet<>();
        kb.forEach(k -> rb.add(k.substring(pb.length())));
        if (ka.size() != source.files.size() || !ra.equals(source.files.keySet()) || !rb.equals(ra)) {
            throw new AssertionError("KV trees differ: " + a + " has " + ka.size() + " keys, " + b + " has " + kb.size()
                    + ", the repository " + source.files.size() + " files");
        }
        List<String> paths = new ArrayList<>(source.files.keySet());
        Collections.sort(paths);
        Collections.shuffle(paths, new Random(7));
        Set<String> check = new HashSet<>(paths.subList(0, Math.min(sample, paths.size())));
        check.addAll(alsoCheck);
        for (String path : check) {
            byte[] expected = source.files.get(path).getBytes(StandardCharsets.UTF_8);
            byte[] va = raw(pa + path);
            byte[] vb = raw(pb + path);
            if (!Arrays.equals(expected, va) || !Arrays.equals(expected, vb)) {
                throw new AssertionError("value of " + path + " differs between Git, " + a + " and " + b);
            }
        }
        String head = source.head.name();
        String refA = new String(raw(a.refKey()), StandardCharsets.UTF_8);
        String refB = new String(raw(b.refKey()), StandardCharsets.UTF_8);
        if (!head.equals(refA) || !head.equals(refB)) {
            throw new AssertionError("ref keys differ: head " + head + ", " + a + " " + refA + ", " + b + " " + refB);
        }
    }

    void verify(Source source, Mirror a, Mirror b, int sample) throws Exception {
        verify(source, a, b, sample, Set.of());
    }

    List<String> keys(String prefix) throws Exception {
        HttpResponse<String> r = http.send(request("/v1/kv/" + prefix + "?keys").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 404) {
            return List.of();
        }
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + prefix + "?keys answered " + r.statusCode());
        }
        List<String> keys = new ArrayList<>();
        JSON.readTree(r.body()).forEach(k -> keys.add(k.asText()));
        return keys;
    }

    byte[] raw(String key) throws Exception {
        HttpResponse<byte[]> r = http.send(request("/v1/kv/" + key + "?raw").GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        return r.statusCode() == 200 ? r.body() : null;
    }

    void deletePrefix(String mountpoint) throws Exception {
        HttpResponse<String> r = http.send(request("/v1/kv/" + mountpoint + "/?recurse").DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("DELETE " + mountpoint + "/?recurse answered " + r.statusCode());
        }
    }

    HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(consulUrl + pathAndQuery)).timeout(Duration.ofSeconds(30));
    }

    // ---------------------------------------------------------------- the two mirrors

    interface Mirror extends AutoCloseable {
        /** Brings the branch into Consul; returns how many repository files it wrote (or deleted). */
        int sync() throws Exception;

        String mountpoint();

        Path workDir();

        KeyLayout layout();

        default String branchPrefix() {
            return layout().branchPrefix(BRANCH);
        }

        default String refKey() {
            return layout().refKey(BRANCH);
        }

        @Override
        void close();
    }

    /** The production mirror, as the service runs it (defaults: txn batches of 64, 4 in flight). */
    final class QuaysideMirror implements Mirror {
        final Source source;
        final String mountpoint;
        final Path workDir;
        final GitClient git;
        final ConfigRepo repo;
        final MirrorService service;

        QuaysideMirror(Source source, String mountpoint, Path workDir) {
            this.source = source;
            this.mountpoint = mountpoint;
            this.workDir = workDir;
            this.git = new GitClient(workDir);
            MirrorOptions d = MirrorOptions.defaults();
            this.repo = ConfigRepo.of(REPO, source.url(), new MirrorOptions(mountpoint, d.includeBranchName(),
                    d.ignoreRepoName(), d.sourceRoot(), d.expandKeys(), d.expandKeysDiff(), d.ignoreFileExtension(),
                    d.commonProperties()));
            this.service = new MirrorService(git, consulClient, SyncSettings.defaults());
        }

        @Override
        public int sync() {
            ConfigSynced synced = service.sync(repo, BRANCH).orElseThrow(() -> new AssertionError("nothing synced"));
            if (synced.outcome() != ConfigSynced.Outcome.SYNCED) {
                throw new AssertionError("quayside mirror failed: " + synced.reason());
            }
            return synced.filesChanged().size();
        }

        @Override
        public String mountpoint() {
            return mountpoint;
        }

        @Override
        public Path workDir() {
            return workDir;
        }

        @Override
        public KeyLayout layout() {
            return repo.layout();
        }

        @Override
        public void close() {
            git.workspace(REPO, source.url(), null, null).close();
        }

        @Override
        public String toString() {
            return "quayside(" + mountpoint + ")";
        }
    }

    /**
     * git2consul's way ({@code lib/consul/index.js} {@code handleRefChange}): GET the ref key; none → PUT every file
     * of the tree, one {@code PUT /v1/kv/<key>} each; a ref → PUT (DELETE) each file of
     * {@code git diff --name-status ref HEAD}; then PUT the ref. With {@code inFlight} 1, one request at a time.
     * Values are the file's exact bytes (git2consul trims them; Quayside does not, and the trees must compare equal).
     */
    final class NaiveMirror implements Mirror {
        final Source source;
        final String mountpoint;
        final Path workDir;
        final int inFlight;
        final GitClient git;
        final KeyLayout layout;

        NaiveMirror(Source source, String mountpoint, Path workDir, int inFlight) {
            this.source = source;
            this.mountpoint = mountpoint;
            this.workDir = workDir;
            this.inFlight = inFlight;
            this.git = new GitClient(workDir);
            MirrorOptions d = MirrorOptions.defaults();
            this.layout = new KeyLayout(REPO, new MirrorOptions(mountpoint, d.includeBranchName(), d.ignoreRepoName(),
                    d.sourceRoot(), d.expandKeys(), d.expandKeysDiff(), d.ignoreFileExtension(), d.commonProperties()));
        }

        @Override
        public int sync() throws Exception {
            GitWorkspace ws = git.workspace(REPO, source.url(), null, null);
            ObjectId head = ws.fetch(BRANCH);
            byte[] ref = raw(refKey());
            String last = ref == null ? null : new String(ref, StandardCharsets.UTF_8).trim();
            if (head.name().equals(last)) {
                return 0;
            }
            // records: path → blob to put, or null to delete
            Map<String, ObjectId> records = new LinkedHashMap<>();
            if (last == null) {
                records.putAll(ws.files(head, null));
            } else {
                for (DiffEntry d : ws.diff(ObjectId.fromString(last), head)) {
                    switch (d.getChangeType()) {
                        case ADD, MODIFY, COPY -> records.put(d.getNewPath(), d.getNewId().toObjectId());
                        case DELETE -> records.put(d.getOldPath(), null);
                        default -> throw new IllegalStateException("unexpected " + d);
                    }
                }
            }
            Semaphore slots = new Semaphore(inFlight);
            List<CompletableFuture<Void>> pending = new ArrayList<>();
            for (Map.Entry<String, ObjectId> record : records.entrySet()) {
                String key = layout.fileKey(BRANCH, record.getKey()).orElseThrow();
                HttpRequest.Builder b = request("/v1/kv/" + key);
                HttpRequest req = record.getValue() == null ? b.DELETE().build()
                        : b.PUT(HttpRequest.BodyPublishers.ofByteArray(ws.read(record.getValue()))).build();
                if (inFlight == 1) {
                    check(key, http.send(req, HttpResponse.BodyHandlers.ofString()));
                } else {
                    slots.acquire();
                    pending.add(http.sendAsync(req, HttpResponse.BodyHandlers.ofString())
                            .whenComplete((r, e) -> slots.release())
                            .thenAccept(r -> check(key, r)));
                }
            }
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
            // only when every write succeeded, as git2consul's setLastProcessedRef
            check(refKey(), http.send(request("/v1/kv/" + refKey()).PUT(HttpRequest.BodyPublishers.ofString(head.name()))
                    .build(), HttpResponse.BodyHandlers.ofString()));
            return records.size();
        }

        private void check(String key, HttpResponse<String> r) {
            if (r.statusCode() != 200 || !"true".equals(r.body().trim())) {
                throw new IllegalStateException("PUT/DELETE " + key + " answered " + r.statusCode() + ": " + r.body());
            }
        }

        @Override
        public String mountpoint() {
            return mountpoint;
        }

        @Override
        public Path workDir() {
            return workDir;
        }

        @Override
        public KeyLayout layout() {
            return layout;
        }

        @Override
        public void close() {
            git.workspace(REPO, source.url(), null, null).close();
        }

        @Override
        public String toString() {
            return "naive(" + mountpoint + ", " + inFlight + " in flight)";
        }
    }

    // ---------------------------------------------------------------- the config repositories

    /** A bare source repository and what its main branch holds. */
    static final class Source implements AutoCloseable {
        final Path dir;
        final Git git;
        final Map<String, String> files;
        ObjectId head;

        private Source(Path dir, Git git, Map<String, String> files) {
            this.dir = dir;
            this.git = git;
            this.files = files;
        }

        static Source create(Path dir, Map<String, String> files) throws Exception {
            Git git = Git.init().setBare(true).setInitialBranch(BRANCH).setDirectory(dir.toFile()).call();
            Source s = new Source(dir, git, new TreeMap<>(files));
            s.head = ConfigSyncerBench.commit(git.getRepository(), null, files);
            return s;
        }

        void change(String path, String content) throws Exception {
            head = ConfigSyncerBench.commit(git.getRepository(), head, Map.of(path, content));
            files.put(path, content);
        }

        String url() {
            return dir.toUri().toString();
        }

        @Override
        public void close() {
            git.close();
            deleteTree(dir);
        }
    }

    /** {@code count} definitions {@code marathon/<env>/app-<i>.json} spread over the first {@code envs} environments. */
    Map<String, String> files(int count, int envs) {
        Map<String, String> files = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String path = "marathon/" + ENVS[i % envs] + "/app-" + i + ".json";
            files.put(path, content(path, 1));
        }
        return files;
    }

    /** A Marathon app definition for {@code path}, derived from the shared fixture, at {@code version}. */
    String content(String path, int version) {
        String[] parts = path.split("/");
        String env = parts[1];
        String app = parts[2].substring(0, parts[2].length() - ".json".length());
        ObjectNode d = template.deepCopy();
        d.put("id", "/" + env + "/" + app);
        d.put("instances", 1 + version % 4);
        ((ObjectNode) d.get("container").get("docker")).put("image",
                "registry.example.com/team/" + app + ":1." + version + ".0");
        ((ObjectNode) d.get("labels")).put("app", app).put("environment", env);
        ((ObjectNode) d.get("env")).put("APP_VERSION", "1." + version + ".0");
        try {
            return JSON.writeValueAsString(d) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The shared fixture {@code marathon/app.json} (Marathon's own example, 2.7 KB) cut to the fields a typical
     * definition of a service carries, which makes it about 1 KB pretty-printed.
     */
    static ObjectNode template(Path appJson) throws IOException {
        JsonNode full = JSON.readTree(appJson.toFile());
        ObjectNode t = JSON.createObjectNode();
        for (String field : List.of("id", "instances", "cmd", "cpus", "mem", "disk", "container", "env",
                "healthChecks", "labels", "upgradeStrategy", "backoffSeconds")) {
            if (full.has(field)) {
                t.set(field, full.get(field).deepCopy());
            }
        }
        ObjectNode container = (ObjectNode) t.get("container");
        container.remove("volumes");
        ((ObjectNode) container.get("docker")).remove("parameters");
        ((ObjectNode) t.get("env")).remove("PASSWORD");
        return t;
    }

    // ---------------------------------------------------------------- figures

    static ObjectNode stats(List<Double> samples) {
        ObjectNode s = JSON.createObjectNode();
        s.put("unit", "ms");
        ArrayNode a = s.putArray("samples");
        samples.forEach(v -> a.add(round(v)));
        List<Double> sorted = new ArrayList<>(samples);
        Collections.sort(sorted);
        s.put("n", sorted.size());
        s.put("p50", round(percentile(sorted, 50)));
        s.put("p95", round(percentile(sorted, 95)));
        s.put("p99", round(percentile(sorted, 99)));
        s.put("max", round(sorted.get(sorted.size() - 1)));
        return s;
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(List<Double> sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    static double ratio(double v) {
        return Math.round(v * 100) / 100.0;
    }

    static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    String machine(String loadBefore, String loadAfter) {
        return String.format(Locale.ROOT, "%d cores (Runtime.availableProcessors), %s %s, Java %s; load average "
                + "before %s, after %s; Consul stand-in (devstack/consul) in a child JVM on 127.0.0.1, "
                + "the mirrors in this JVM", Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"),
                System.getProperty("os.version"), System.getProperty("java.version"), loadBefore, loadAfter);
    }

    String note() {
        return "Wall-clock ms of one mirror run, measured by the caller. quayside = MirrorService.sync (production, "
                + "defaults: txn batches of <= 64 operations, <= 512 KB, up to 4 independent batches in flight, guarded "
                + "last batch). naive = git2consul's algorithm (GET the <branch>.ref key; no ref: one PUT "
                + "/v1/kv/<key> per file of the tree; a ref: one PUT per file of git diff --name-status ref..HEAD; "
                + "then PUT the ref), one request at a time over one keep-alive HTTP/1.1 connection (JDK HttpClient). "
                + "naive_concurrent: the same with up to " + concurrency + " requests in flight (git2consul itself "
                + "issues a sync's requests without waiting for each other). Both mirrors read Git through the same "
                + "production GitWorkspace (JGit). initial_*: fetch into a fresh local bare clone + read the tree + "
                + "write every file, into a fresh key prefix; git_fetch_only there is a plain fetch of the same commit into a "
                + "fourth fresh clone after the three mirrors, the floor every initial sync pays; " + runs + " runs each, values in run order, the two "
                + "mirrors alternating which goes first. one_file_change_*: a commit changing one definition is "
                + "pushed to the source repository, then each mirror fetches, diffs and writes that one file and the "
                + "ref (" + warmup + " unmeasured changes first, then " + changes + " measured; the mirrors alternate "
                + "order; git_fetch_only times a plain fetch of the same commit into a third local clone, the Git "
                + "floor both mirrors pay). Before anything is measured both mirrors warm up on a 1,000-file repository. Files are "
                + "Marathon app definitions derived from ../shared/fixtures/marathon/app.json (~1 KB each, "
                + "marathon/<env>/app-<i>.json; 5 environments in mirror, 3 in scaling_mirror). After every run both "
                + "KV trees were checked: same key set as the repository's files, identical values for a sample of "
                + "50 files (plus every changed file) and the ref key equal to the head. Percentiles are nearest-rank; "
                + "with fewer than 20 samples p95 and p99 are the max.";
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim().split(" ")[0];
        } catch (IOException e) {
            return "unknown";
        }
    }

    void printTable(ObjectNode result) {
        System.out.println("| figure | files | quayside p50 (samples) | naive p50 (samples) | naive/quayside |");
        System.out.println("| --- | --- | --- | --- | --- |");
        result.get("mirror").fields().forEachRemaining(e -> row(e.getKey(), e.getValue()));
        result.get("scaling_mirror").fields().forEachRemaining(apps -> {
            row(apps.getKey() + " initial", apps.getValue().get("initial"));
            row(apps.getKey() + " one_file_change", apps.getValue().get("one_file_change"));
        });
    }

    static void row(String name, JsonNode f) {
        System.out.printf(Locale.ROOT, "| %s | %d | %.1f ms (p95 %.1f, p99 %.1f, n=%d) | %.1f ms (p95 %.1f, p99 %.1f) | %.2f |%n",
                name, f.get("files").asInt(), f.get("p50").asDouble(), f.get("p95").asDouble(), f.get("p99").asDouble(),
                f.get("n").asInt(), f.get("naive").get("p50").asDouble(), f.get("naive").get("p95").asDouble(),
                f.get("naive").get("p99").asDouble(), f.get("ratio_p50").asDouble());
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        for (int attempt = 0; attempt < 3 && Files.exists(dir); attempt++) {
            // JGit may still be running an automatic gc in the background after a fetch
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | java.io.UncheckedIOException e) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException i) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
