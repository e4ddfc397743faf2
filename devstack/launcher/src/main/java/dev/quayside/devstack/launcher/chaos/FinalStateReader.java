package dev.quayside.devstack.launcher.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quayside.devstack.launcher.Pause;
import dev.quayside.devstack.launcher.chaos.FinalState.App;
import dev.quayside.devstack.launcher.chaos.FinalState.CatalogEntry;
import dev.quayside.devstack.launcher.chaos.FinalState.MarathonApp;
import dev.quayside.devstack.launcher.chaos.FinalState.Pin;
import dev.quayside.devstack.launcher.chaos.FinalState.Pushed;
import dev.quayside.devstack.launcher.chaos.FinalState.RegistryRepository;
import dev.quayside.devstack.launcher.chaos.FinalState.Task;
import dev.quayside.events.EventCodec;
import dev.quayside.events.EventEnvelope;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Reads a {@link FinalState} from the real parts of a local pipeline: the registry's storage on disk (every manifest
 * it holds, tagged or not), the config repository (Git, byte for byte), Consul's KV and catalog, the Marathon and
 * Chronos stand-ins' APIs (apps, tasks, health, kept versions), HAProxy's own view through its master CLI, and the
 * notification receivers. Only loopback addresses are read.
 */
public final class FinalStateReader {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    /**
     * Where to read.
     *
     * @param registryStorage   the registry's storage folder (its {@code data/docker/registry/v2/repositories})
     * @param configRepository  the config repository (bare)
     * @param configName        its name in config-syncer (the KV prefix)
     * @param branch            the branch config-syncer follows
     * @param consulUrl         Consul's HTTP API
     * @param marathonUrl       Marathon's API
     * @param chronosUrl        Chronos' API
     * @param haproxySocket     HAProxy's master CLI socket, or null when no edge-router runs
     * @param haproxyConfig     HAProxy's configuration file as edge-router writes it
     */
    public record Sources(Path registryStorage, Path configRepository, String configName, String branch,
            String consulUrl, String marathonUrl, String chronosUrl, Path haproxySocket, Path haproxyConfig) {
    }

    private FinalStateReader() {
    }

    public static FinalState read(Sources sources, Map<String, App> apps, List<Pushed> pushed,
            List<EventEnvelope<?>> events, Map<String, List<String>> notifications) {
        Map<String, String> kvFiles = new TreeMap<>();
        String ref = readKv(sources, kvFiles);
        return new FinalState(apps, pushed, events, registry(sources.registryStorage(), apps),
                config(sources, apps, ref), new FinalState.KeyValues(ref, kvFiles), marathon(sources.marathonUrl()),
                chronos(sources.chronosUrl()), catalog(sources.consulUrl()),
                sources.haproxySocket() == null ? null : haproxy(sources.haproxySocket(), sources.haproxyConfig()),
                sources.haproxySocket() == null ? List.of() : haproxyMasters(sources.haproxySocket()), notifications);
    }

    // ---- registry -------------------------------------------------------------------------------------------------

    static Map<String, RegistryRepository> registry(Path storage, Map<String, App> apps) {
        Map<String, RegistryRepository> repositories = new TreeMap<>();
        Path root = storage.resolve("data/docker/registry/v2/repositories");
        for (String name : apps.keySet()) {
            Path manifests = root.resolve(name).resolve("_manifests");
            Map<String, String> tags = new TreeMap<>();
            Set<String> revisions = new LinkedHashSet<>();
            if (Files.isDirectory(manifests.resolve("tags"))) {
                for (Path tag : list(manifests.resolve("tags"))) {
                    Path link = tag.resolve("current/link");
                    if (Files.isRegularFile(link)) {
                        tags.put(tag.getFileName().toString(), read(link).trim());
                    }
                }
            }
            if (Files.isDirectory(manifests.resolve("revisions/sha256"))) {
                for (Path revision : list(manifests.resolve("revisions/sha256"))) {
                    if (Files.isRegularFile(revision.resolve("link"))) {
                        revisions.add("sha256:" + revision.getFileName());
                    }
                }
            }
            repositories.put(name, new RegistryRepository(tags, revisions));
        }
        return repositories;
    }

    // ---- config repository ----------------------------------------------------------------------------------------

    static FinalState.ConfigRepository config(Sources sources, Map<String, App> apps, String syncedRef) {
        Path bare = sources.configRepository();
        String head = git(bare, "rev-parse", "refs/heads/" + sources.branch()).trim();
        Map<String, String> headTree = tree(bare, head);
        Map<String, String> syncedTree = null;
        if (syncedRef != null && syncedRef.matches("[0-9a-f]{40}") && exists(bare, syncedRef)) {
            syncedTree = syncedRef.equals(head) ? headTree : tree(bare, syncedRef);
        }
        Map<String, List<Pin>> history = new TreeMap<>();
        // config-syncer's rollback write-backs (docs/config-syncer.md, "Rollback write-back")
        Set<String> rollbacks = Stream.of(git(bare, "log", "--format=%H", "-E", "--grep=^Quayside-Rollback-Of: ", head)
                .split("\n")).filter(s -> !s.isBlank()).collect(java.util.stream.Collectors.toSet());
        for (App app : apps.values()) {
            List<String> commits = List.of(git(bare, "log", "--reverse", "--format=%H", head, "--",
                    app.definition()).split("\n")).stream().filter(s -> !s.isBlank()).toList();
            List<String> requests = commits.stream().map(c -> c + ":" + app.definition()).toList();
            List<byte[]> contents = catFile(bare, requests);
            List<Pin> pins = new ArrayList<>();
            for (int i = 0; i < commits.size(); i++) {
                byte[] content = contents.get(i);
                pins.add(new Pin(commits.get(i), content == null ? null
                        : FinalStateChecker.imageOf(new String(content, StandardCharsets.ISO_8859_1)),
                        rollbacks.contains(commits.get(i))));
            }
            history.put(app.definition(), pins);
        }
        return new FinalState.ConfigRepository(head, headTree, syncedTree, history);
    }

    private static boolean exists(Path bare, String commit) {
        try {
            git(bare, "cat-file", "-e", commit + "^{commit}");
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** path → content (ISO-8859-1, byte for byte) of every file at {@code commit}. */
    static Map<String, String> tree(Path bare, String commit) {
        List<String> paths = new ArrayList<>();
        for (String entry : git(bare, "ls-tree", "-r", "-z", "--full-tree", commit).split("\0")) {
            if (entry.isBlank()) {
                continue;
            }
            String[] meta = entry.substring(0, entry.indexOf('\t')).split(" ");
            if (meta[1].equals("blob")) {
                paths.add(entry.substring(entry.indexOf('\t') + 1));
            }
        }
        List<byte[]> contents = catFile(bare, paths.stream().map(p -> commit + ":" + p).toList());
        Map<String, String> tree = new TreeMap<>();
        for (int i = 0; i < paths.size(); i++) {
            tree.put(paths.get(i), new String(contents.get(i), StandardCharsets.ISO_8859_1));
        }
        return tree;
    }

    /** {@code git cat-file --batch}: each object's bytes, or null when it is missing. */
    static List<byte[]> catFile(Path bare, List<String> objects) {
        if (objects.isEmpty()) {
            return List.of();
        }
        try {
            Process process = new ProcessBuilder("git", "--git-dir=" + bare, "cat-file", "--batch")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            Thread writer = new Thread(() -> {
                try (OutputStream in = process.getOutputStream()) {
                    for (String object : objects) {
                        in.write((object + "\n").getBytes(StandardCharsets.UTF_8));
                    }
                } catch (IOException e) {
                    // the reader sees the short output
                }
            }, "git-cat-file");
            writer.start();
            List<byte[]> contents = new ArrayList<>();
            try (InputStream out = process.getInputStream()) {
                for (String object : objects) {
                    String header = line(out);
                    if (header.endsWith(" missing")) {
                        contents.add(null);
                        continue;
                    }
                    String[] fields = header.split(" ");
                    if (fields.length != 3) {
                        throw new IllegalStateException("git cat-file: unexpected answer '" + header + "' for " + object);
                    }
                    contents.add(out.readNBytes(Integer.parseInt(fields[2])));
                    out.read(); // the newline after the content
                }
            }
            process.waitFor(30, TimeUnit.SECONDS);
            return contents;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            bytes.write(b);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    static String git(Path bare, String... args) {
        List<String> command = new ArrayList<>(List.of("git", "--git-dir=" + bare));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("git " + String.join(" ", args) + " failed in " + bare);
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---- Consul ---------------------------------------------------------------------------------------------------

    /** Fills {@code files} with the mirrored branch's keys (relative to its prefix); returns the synced ref. */
    static String readKv(Sources sources, Map<String, String> files) {
        String prefix = "quayside/config/" + sources.configName() + "/" + sources.branch() + "/";
        JsonNode entries = json(sources.consulUrl() + "/v1/kv/" + prefix + "?recurse", true);
        if (entries != null) {
            for (JsonNode entry : entries) {
                String key = entry.path("Key").asText();
                byte[] value = entry.path("Value").isNull() ? new byte[0]
                        : Base64.getDecoder().decode(entry.path("Value").asText());
                if (key.length() > prefix.length()) {
                    files.put(key.substring(prefix.length()), new String(value, StandardCharsets.ISO_8859_1));
                }
            }
        }
        JsonNode ref = json(sources.consulUrl() + "/v1/kv/quayside/config/" + sources.configName() + "/"
                + sources.branch() + ".ref", true);
        if (ref == null || ref.isEmpty() || ref.get(0).path("Value").isNull()) {
            return null;
        }
        return new String(Base64.getDecoder().decode(ref.get(0).path("Value").asText()), StandardCharsets.UTF_8).trim();
    }

    static Map<String, List<CatalogEntry>> catalog(String consulUrl) {
        Map<String, List<CatalogEntry>> catalog = new TreeMap<>();
        JsonNode services = json(consulUrl + "/v1/catalog/services", false);
        services.fieldNames().forEachRemaining(name -> {
            List<CatalogEntry> entries = new ArrayList<>();
            for (JsonNode entry : json(consulUrl + "/v1/health/service/" + encode(name), false)) {
                boolean passing = true;
                for (JsonNode check : entry.path("Checks")) {
                    passing &= check.path("Status").asText().equals("passing");
                }
                JsonNode service = entry.path("Service");
                String address = service.path("Address").asText("");
                entries.add(new CatalogEntry(service.path("ID").asText(), address.isEmpty()
                        ? entry.path("Node").path("Address").asText() : address, service.path("Port").asInt(), passing));
            }
            catalog.put(name, entries);
        });
        return catalog;
    }

    // ---- Marathon, Chronos ----------------------------------------------------------------------------------------

    static Map<String, MarathonApp> marathon(String marathonUrl) {
        Map<String, MarathonApp> apps = new TreeMap<>();
        for (JsonNode app : json(marathonUrl + "/v2/apps?embed=apps.tasks", false).path("apps")) {
            String id = app.path("id").asText();
            List<Task> tasks = new ArrayList<>();
            boolean healthChecked = app.path("healthChecks").size() > 0;
            for (JsonNode task : app.path("tasks")) {
                if (!task.path("state").asText("TASK_RUNNING").equals("TASK_RUNNING")) {
                    continue;
                }
                List<Integer> ports = new ArrayList<>();
                task.path("ports").forEach(p -> ports.add(p.asInt()));
                boolean healthy = !healthChecked || task.path("healthCheckResults").size() > 0;
                for (JsonNode result : task.path("healthCheckResults")) {
                    healthy &= result.path("alive").asBoolean();
                }
                tasks.add(new Task(task.path("id").asText(), ports, healthy));
            }
            JsonNode env = app.path("env");
            List<String> versionImages = new ArrayList<>();
            List<String> versions = new ArrayList<>();
            json(marathonUrl + "/v2/apps" + id + "/versions", false).path("versions").forEach(v -> versions.add(v.asText()));
            for (int i = versions.size() - 1; i >= 0; i--) {
                JsonNode version = json(marathonUrl + "/v2/apps" + id + "/versions/" + encode(versions.get(i)), true);
                versionImages.add(version == null ? null : version.path("container").path("docker").path("image")
                        .asText(null));
            }
            apps.put(id, new MarathonApp(id, app.path("container").path("docker").path("image").asText(null),
                    app.path("instances").asInt(), tasks, healthChecked,
                    env.hasNonNull("SERVICE_NAME") ? env.path("SERVICE_NAME").asText() : null,
                    env.hasNonNull("SERVICE_HAPROXY_VHOST"), versionImages, app.path("deployments").size() > 0));
        }
        return apps;
    }

    static Map<String, String> chronos(String chronosUrl) {
        Map<String, String> jobs = new TreeMap<>();
        for (JsonNode job : json(chronosUrl + "/v1/scheduler/jobs", false)) {
            jobs.put(job.path("name").asText(), job.path("container").path("image").asText(null));
        }
        return jobs;
    }

    // ---- HAProxy --------------------------------------------------------------------------------------------------

    /**
     * What HAProxy itself routes to, asked on its master CLI ({@code @1 show servers state}, the current worker):
     * service → servers {@code address:port}; services are named by the {@code # service <name>} line edge-router's
     * template writes above each backend of the live configuration. Empty when no HAProxy answers.
     */
    /**
     * Backend (or listen section) → service, from the {@code # service <name>} comment edge-router's template writes
     * above each ({@code # service <name>: ...} in templates before it). A reader that wanted the colon found no
     * service in today's configuration and the checker reported every route missing.
     */
    static Map<String, String> servicesOfBackends(String config) {
        Map<String, String> serviceOfBackend = new LinkedHashMap<>();
        String service = null;
        for (String line : config.split("\n")) {
            String trimmed = line.trim();
            if (trimmed.startsWith("# service ")) {
                String rest = trimmed.substring("# service ".length());
                service = (rest.contains(":") ? rest.substring(0, rest.indexOf(':')) : rest).strip();
            } else if ((trimmed.startsWith("backend ") || trimmed.startsWith("listen ")) && service != null) {
                serviceOfBackend.put(trimmed.split("\\s+")[1], service);
                service = null;
            }
        }
        return serviceOfBackend;
    }

    static Map<String, List<String>> haproxy(Path socket, Path config) {
        if (!Files.exists(socket) || !Files.isRegularFile(config)) {
            return Map.of();
        }
        Map<String, String> serviceOfBackend = servicesOfBackends(read(config));
        String answer = null;
        for (int attempt = 1; answer == null && attempt <= 3; attempt++) {
            try {
                answer = masterCli(socket, "@1 show servers state");
            } catch (IOException e) {
                if (attempt == 3) {
                    return Map.of(); // no HAProxy answers: nothing is routed
                }
                Pause.millis(2000); // a reload in progress closes the CLI
            }
        }
        Map<String, List<String>> routes = new TreeMap<>();
        serviceOfBackend.values().forEach(s -> routes.put(s, new ArrayList<>()));
        List<String> header = null;
        for (String line : answer.split("\n")) {
            if (line.startsWith("# be_id")) {
                header = List.of(line.substring(2).trim().split(" "));
                continue;
            }
            if (header == null || line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.trim().split(" ");
            String backend = fields[header.indexOf("be_name")];
            if (serviceOfBackend.containsKey(backend)) {
                routes.get(serviceOfBackend.get(backend)).add(fields[header.indexOf("srv_addr")] + ":"
                        + fields[header.indexOf("srv_port")]);
            }
        }
        return routes;
    }

    /**
     * The HAProxy masters whose command line names the master socket {@code masterSocket}: processes of that command
     * line whose parent is not one of them (the workers are the masters' children).
     */
    static List<Long> haproxyMasters(Path masterSocket) {
        String socket = masterSocket.toString();
        List<ProcessHandle> all = ProcessHandle.allProcesses().filter(p -> p.info().commandLine()
                .map(line -> line.contains("haproxy") && line.contains(socket)).orElse(false)).toList();
        Set<Long> pids = new java.util.HashSet<>();
        all.forEach(p -> pids.add(p.pid()));
        return all.stream().filter(p -> p.parent().map(parent -> !pids.contains(parent.pid())).orElse(true))
                .map(ProcessHandle::pid).sorted().toList();
    }

    /**
     * One command on HAProxy's master CLI: written, the sending side shut (the master answers and closes), the
     * answer read to its end within 10 s.
     */
    static String masterCli(Path socket, String command) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
            channel.shutdownOutput();
            java.util.concurrent.FutureTask<String> read = new java.util.concurrent.FutureTask<>(() -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
                while (channel.read(buffer) >= 0) {
                    out.write(buffer.array(), 0, buffer.position());
                    buffer.clear();
                }
                return out.toString(StandardCharsets.UTF_8);
            });
            Thread reader = new Thread(read, "haproxy-master-cli");
            reader.setDaemon(true);
            reader.start();
            try {
                return read.get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IOException("HAProxy's master CLI " + socket + " did not answer '" + command + "' in 10 s");
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IOException("HAProxy's master CLI " + socket + ": " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    /** GET {@code url} as JSON; null on 404 when {@code allowMissing}, else a failure. */
    static JsonNode json(String url, boolean allowMissing) {
        try {
            HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() == 404 && allowMissing) {
                return null;
            }
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + url + " answered " + response.statusCode() + ": "
                        + new String(response.body(), StandardCharsets.UTF_8));
            }
            return EventCodec.mapper().readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }


    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
