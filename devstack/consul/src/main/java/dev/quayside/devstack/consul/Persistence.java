package dev.quayside.devstack.consul;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The data directory: a JSON snapshot ({@code state.json}) of the index, KV (with tombstones) and the agent's
 * services and checks, written atomically 100 ms after a change (later for a large state: never more often than
 * twice the time one write takes, so writing never eats more than half a core) and on close, plus the node id.
 */
final class Persistence {

    private static final long DEBOUNCE_MILLIS = 100;
    private static final System.Logger LOG = System.getLogger(Persistence.class.getName());

    private final Path dir;
    private final Path file;
    private final String nodeId;
    private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "consul-standin-persistence");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean pending = new AtomicBoolean();
    private volatile long lastSaveMillis;

    Persistence(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
        this.file = dir.resolve("state.json");
        Path idFile = dir.resolve("node-id");
        if (Files.exists(idFile)) {
            nodeId = Files.readString(idFile, StandardCharsets.UTF_8).trim();
        } else {
            nodeId = UUID.randomUUID().toString();
            Files.writeString(idFile, nodeId, StandardCharsets.UTF_8);
        }
    }

    String nodeId() {
        return nodeId;
    }

    void load(ConsulState state) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        JsonObject json = new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
        List<KvEntry> entries = new ArrayList<>();
        for (Object o : json.getJsonArray("kv", new JsonArray())) {
            JsonObject e = (JsonObject) o;
            String value = e.getString("Value");
            entries.add(new KvEntry(e.getString("Key"), value == null ? null : Base64.getDecoder().decode(value),
                    e.getLong("Flags", 0L), e.getLong("CreateIndex"), e.getLong("ModifyIndex"),
                    e.getLong("LockIndex", 0L), null));
        }
        Map<String, Long> tombstones = new HashMap<>();
        json.getJsonObject("tombstones", new JsonObject()).forEach(t -> tombstones.put(t.getKey(),
                ((Number) t.getValue()).longValue()));
        List<ServiceInstance> services = new ArrayList<>();
        for (Object o : json.getJsonArray("services", new JsonArray())) {
            services.add(service((JsonObject) o));
        }
        List<HealthCheck> checks = new ArrayList<>();
        for (Object o : json.getJsonArray("checks", new JsonArray())) {
            checks.add(check((JsonObject) o));
        }
        long index = json.getLong("index", 0L);
        state.read(() -> {
            state.kv.load(entries, tombstones, json.getLong("kvsIndex", 0L), json.getLong("tombstonesIndex", 0L));
            state.catalog.load(services, checks, json.getLong("servicesIndex", 0L));
            return null;
        });
        state.restoreLastIndex(index);
    }

    void attach(ConsulState state) {
        state.addListener(change -> {
            if (pending.compareAndSet(false, true)) {
                writer.schedule(() -> {
                    pending.set(false);
                    try {
                        save(state);
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.ERROR, "the Consul stand-in could not save its state", e);
                    }
                }, Math.max(DEBOUNCE_MILLIS, 2 * lastSaveMillis), TimeUnit.MILLISECONDS);
            }
        });
    }

    void close(ConsulState state) {
        writer.shutdownNow();
        save(state);
    }

    private synchronized void save(ConsulState state) {
        long started = System.nanoTime();
        try {
            write(state);
        } finally {
            lastSaveMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        }
    }

    private void write(ConsulState state) {
        JsonObject snapshot = state.read(() -> {
            JsonArray kv = new JsonArray();
            state.kv.entries().values().forEach(e -> kv.add(e.toJson(true)));
            JsonObject graves = new JsonObject();
            state.kv.tombstones().forEach(graves::put);
            long[] indexes = state.kv.indexes();
            JsonArray services = new JsonArray();
            state.catalog.services().forEach(s -> services.add(json(s)));
            JsonArray checks = new JsonArray();
            state.catalog.checks().forEach(c -> checks.add(json(c)));
            return new JsonObject().put("index", state.lastIndex()).put("kvsIndex", indexes[0])
                    .put("tombstonesIndex", indexes[1]).put("servicesIndex", state.catalog.servicesIndex())
                    .put("kv", kv).put("tombstones", graves).put("services", services).put("checks", checks);
        });
        try {
            Path tmp = dir.resolve("state.json.tmp");
            Files.writeString(tmp, snapshot.encode(), StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }

    private static JsonObject json(ServiceInstance s) {
        return new JsonObject().put("ID", s.id).put("Name", s.name).put("Tags", s.tagsJson())
                .put("Address", s.address).put("Port", s.port).put("Meta", s.metaJson())
                .put("EnableTagOverride", s.enableTagOverride).put("Weights", s.weightsJson())
                .put("CreateIndex", s.createIndex).put("ModifyIndex", s.modifyIndex);
    }

    private static ServiceInstance service(JsonObject json) {
        Definitions.Registration r = Definitions.service(json);
        ServiceInstance s = r.service();
        s.createIndex = json.getLong("CreateIndex", 0L);
        s.modifyIndex = json.getLong("ModifyIndex", 0L);
        return s;
    }

    private static JsonObject json(HealthCheck c) {
        JsonObject def = c.definitionJson();
        if (c.ttlNanos > 0) {
            def.put("TTL", GoDuration.format(c.ttlNanos));
        }
        if (c.body != null) {
            def.put("Body", c.body);
        }
        return new JsonObject().put("CheckID", c.checkId).put("Name", c.name).put("Status", c.status)
                .put("Notes", c.notes).put("Output", c.output).put("ServiceID", c.serviceId)
                .put("ServiceName", c.serviceName).put("ServiceTags", new JsonArray(List.copyOf(c.serviceTags)))
                .put("Type", c.type).put("Definition", def).put("CreateIndex", c.createIndex)
                .put("ModifyIndex", c.modifyIndex);
    }

    private static HealthCheck check(JsonObject json) {
        JsonObject def = json.getJsonObject("Definition", new JsonObject()).copy();
        HealthCheck c;
        if (json.getString("Type", "").equals("ttl") || def.containsKey("HTTP") || def.containsKey("TCP")) {
            c = Definitions.check(def, true);
        } else {
            // unsupported kinds: keep what the catalog shows
            c = new HealthCheck();
            c.type = json.getString("Type", "");
        }
        c.checkId = json.getString("CheckID");
        c.name = json.getString("Name");
        c.status = json.getString("Status", HealthCheck.CRITICAL);
        c.notes = json.getString("Notes", "");
        c.output = json.getString("Output", "");
        c.serviceId = json.getString("ServiceID", "");
        c.serviceName = json.getString("ServiceName", "");
        List<String> tags = new ArrayList<>();
        json.getJsonArray("ServiceTags", new JsonArray()).forEach(t -> tags.add((String) t));
        c.serviceTags = tags;
        c.createIndex = json.getLong("CreateIndex", 0L);
        c.modifyIndex = json.getLong("ModifyIndex", 0L);
        return c;
    }
}
