package dev.quayside.board.service;

import dev.quayside.board.config.BoardConfig;
import dev.quayside.events.BuildFinished;
import dev.quayside.events.BuildOutcome;
import dev.quayside.events.CommitPushed;
import dev.quayside.events.ConfigSynced;
import dev.quayside.events.Deployment;
import dev.quayside.events.DeploymentEvent;
import dev.quayside.events.DeploymentFailed;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.EventType;
import dev.quayside.events.ImageBuilt;
import dev.quayside.events.IncomingEvent;
import dev.quayside.events.PipelineEvent;
import dev.quayside.events.Promoted;
import dev.quayside.events.RoutesUpdated;
import dev.quayside.events.ServiceDeployed;
import dev.quayside.events.ServiceRemoved;
import dev.quayside.events.ServiceRolledBack;
import dev.quayside.events.ServiceUpgraded;
import dev.quayside.events.TagUpdated;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The board's view of the pipeline, built from the events as they are read: chains, every app's state per
 * environment, recent failures, recent events and build logs. Everything is in memory and bounded
 * ({@code quayside.board.limits.*}, {@code quayside.board.logs.*}); it is rebuilt from the topics at every start.
 * One lock guards it all; changes are published to {@link LiveUpdates} under that lock.
 */
@ApplicationScoped
public class BoardView {

    private final BoardConfig.Limits limits;
    private final Links links;
    private final LiveUpdates live;
    private final BuildLogs logs;

    /** Insertion order: the chain first seen longest ago is evicted first. */
    private final LinkedHashMap<String, ChainRecord> chains = new LinkedHashMap<>();
    private final Map<String, Map<String, AppRecord>> apps = new TreeMap<>();
    private final Deque<Views.Event> events = new ArrayDeque<>();
    private final Deque<Views.Failure> failures = new ArrayDeque<>();
    private final LinkedHashMap<String, AppRecord.ImageInfo> images = new LinkedHashMap<>();
    private final LinkedHashMap<String, Boolean> seen = new LinkedHashMap<>();
    /** Config commits config-syncer wrote back, and the chain that wrote each (bounded like the chains). */
    private final LinkedHashMap<String, String> writtenBack = new LinkedHashMap<>();
    /** The {@code Promoted} events, by the id of the promotion's own chain (which may be seen before or after). */
    private final LinkedHashMap<String, EventEnvelope<Promoted>> promotions = new LinkedHashMap<>();
    /** Builds whose {@code build.finished} was seen (bounded like the chains). */
    private final LinkedHashMap<String, Boolean> finishedBuilds = new LinkedHashMap<>();
    private long records;
    private long decoded;
    private long malformed;
    private long duplicates;
    private boolean caughtUp;

    BoardView(BoardConfig config, Links links, LiveUpdates live, MeterRegistry metrics) {
        this.limits = config.limits();
        this.links = links;
        this.live = live;
        this.logs = new BuildLogs(config.logs().maxCharsPerBuild(), config.logs().maxCharsTotal(),
                config.logs().maxBuilds());
        Gauge.builder("quayside.board.chains", this, v -> v.locked(() -> v.chains.size())).register(metrics);
        Gauge.builder("quayside.board.log.chars", this, v -> v.locked(() -> v.logs.totalChars())).register(metrics);
        Gauge.builder("quayside.board.records", this, v -> v.locked(() -> v.records)).register(metrics);
    }

    /** Runs {@code action} under the view's lock: nothing changes and nothing is published meanwhile. */
    public <T> T locked(Supplier<T> action) {
        synchronized (this) {
            return action.get();
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // input (the topic reader's thread)
    // ------------------------------------------------------------------------------------------------------------

    /** An event record; a malformed one is only counted (the board never dead-letters: it reads, it does not own). */
    public synchronized void onEvent(String topic, String key, IncomingEvent incoming) {
        records++;
        if (incoming.isMalformed()) {
            malformed++;
            return;
        }
        EventEnvelope<?> event = incoming.envelope();
        if (seen.put(event.id(), Boolean.TRUE) != null) {
            duplicates++;
            return;
        }
        trim(seen, limits.seenIds());
        decoded++;
        remember(topic, key, event, new String(incoming.raw(), StandardCharsets.UTF_8));
        PipelineEvent data = event.data();
        if (data instanceof CommitPushed p) {
            links.learn(p.repository(), p.cloneUrl());
        }
        if (data instanceof ImageBuilt i) {
            images.put(i.digest(), new AppRecord.ImageInfo(i.repository(), i.commit(), i.registry(), i.name(), i.tag()));
            trim(images, limits.chains() * 4);
        }
        if (data instanceof BuildFinished b) {
            finishedBuilds.put(b.buildId(), Boolean.TRUE);
            trim(finishedBuilds, limits.chains() * 2);
            if (logs.finish(b.buildId()) && live.listened()) {
                live.publish(new LiveUpdates.Update("log-end", b.buildId(), b.buildId()));
            }
        }
        Set<String> touchedApps = new TreeSet<>();
        Deployment deployment = deploymentOf(data);
        if (deployment != null) {
            deployment(event, deployment);
            touchedApps.add(deployment.app());
        }
        ChainRecord chain = null;
        if (event.chainId() != null) {
            chain = chains.get(event.chainId());
            if (chain == null) {
                chain = new ChainRecord(event.chainId());
                if (!chain.apply(event)) {
                    chain = null;
                } else {
                    chains.put(chain.id, chain);
                    trim(chains, limits.chains());
                }
            } else if (!chain.apply(event)) {
                chain = null;
            }
        }
        List<ChainRecord> changed = new ArrayList<>();
        if (chain != null) {
            changed.add(chain);
        }
        promotion(event, chain, changed);
        writeBack(event, chain, changed);
        Views.Failure failure = failureOf(event, chain);
        if (failure != null) {
            failures.addLast(failure);
            while (failures.size() > limits.failures()) {
                failures.removeFirst();
            }
        }
        if (live.listened()) {
            for (ChainRecord c : changed) {
                live.publish(new LiveUpdates.Update("chain", c.id, c.view(links)));
                touchedApps.addAll(c.apps());
            }
            for (String app : touchedApps) {
                if (apps.containsKey(app)) {
                    live.publish(new LiveUpdates.Update("app", app, appRow(app)));
                }
            }
            if (failure != null) {
                live.publish(new LiveUpdates.Update("failure", event.id(), failure));
            }
            live.publish(new LiveUpdates.Update("event", event.id(), events.peekLast()));
        }
    }

    /**
     * Links a promotion's own chain (whose id is its {@code Promoted} event's {@code chain}, and which may be seen
     * before or after that event) to the {@code Promoted} event that opened it.
     */
    @SuppressWarnings("unchecked")
    private void promotion(EventEnvelope<?> event, ChainRecord chain, List<ChainRecord> changed) {
        if (event.data() instanceof Promoted p && p.chain() != null) {
            promotions.put(p.chain(), (EventEnvelope<Promoted>) event);
            trim(promotions, limits.chains());
            ChainRecord promoted = chains.get(p.chain());
            if (promoted != null && promoted.promotedBy() == null) {
                promoted.promotedBy((EventEnvelope<Promoted>) event);
                changed.add(promoted);
            }
        }
        if (chain != null && chain.promotedBy() == null && promotions.containsKey(chain.id)) {
            chain.promotedBy(promotions.get(chain.id));
        }
    }

    /**
     * Pairs config-syncer's write-back commits (and promotion commits) with the config-repo pushes git-watcher sees of
     * them: such a push was mirrored in the app's chain (or the promotion's own chain), and nothing follows it in its
     * own.
     */
    private void writeBack(EventEnvelope<?> event, ChainRecord chain, List<ChainRecord> changed) {
        PipelineEvent data = event.data();
        // a promotion's commit is mirrored and deployed in a chain of its own, whose id is the Promoted event's
        String written = data instanceof TagUpdated t ? t.commitWritten()
                : data instanceof Promoted p ? p.configCommit() : null;
        String writer = data instanceof Promoted p && p.chain() != null ? p.chain() : event.chainId();
        if (written != null && writer != null) {
            writtenBack.put(written, writer);
            trim(writtenBack, limits.chains() * 2);
            for (ChainRecord c : chains.values()) {
                if ("config".equals(c.kind()) && written.equals(c.commit()) && c.writeBackOf() == null) {
                    c.writeBackOf(writer);
                    changed.add(c);
                }
            }
        }
        if (data instanceof CommitPushed p && "config".equals(p.repositoryKind()) && chain != null) {
            String writtenBy = writtenBack.get(p.after());
            if (writtenBy != null) {
                chain.writeBackOf(writtenBy);
            }
        }
    }

    /** A line of a build's log. */
    public synchronized void onLogLine(String buildId, String line) {
        records++;
        if (buildId == null) {
            malformed++;
            return;
        }
        long number = logs.append(buildId, line);
        if (finishedBuilds.containsKey(buildId)) {
            logs.finish(buildId);
        }
        if (live.listened()) {
            live.publish(new LiveUpdates.Update("log", buildId, new Views.LogLine(buildId, number, line)));
        }
    }

    /** The topics were read to their end as of the start: the view is complete. */
    public synchronized void caughtUp() {
        caughtUp = true;
    }

    /** Marathon's answer about an app's instances (null counts and an error when it could not be asked). */
    public synchronized void instances(String app, String environment, Integer healthy, Integer wanted, String error) {
        AppRecord record = apps.getOrDefault(app, Map.of()).get(environment);
        if (record != null && record.instances(healthy, wanted, error, Instant.now()) && live.listened()) {
            live.publish(new LiveUpdates.Update("app", app, appRow(app)));
        }
    }

    private void remember(String topic, String key, EventEnvelope<?> event, String json) {
        EventType type = event.type();
        events.addLast(new Views.Event(event.id(), EventSummaries.name(type), type.wireType(), topic, key,
                event.context().timestamp(), event.chainId(), event.subject().id(), EventSummaries.summary(event), json));
        while (events.size() > limits.events()) {
            events.removeFirst();
        }
    }

    private void deployment(EventEnvelope<?> event, Deployment d) {
        PipelineEvent data = event.data();
        String type;
        String reason = null;
        boolean failed = false;
        if (data instanceof ServiceDeployed) {
            type = "deployed";
        } else if (data instanceof ServiceUpgraded u) {
            type = u.unchanged() ? "unchanged" : "upgraded";
        } else if (data instanceof ServiceRemoved) {
            type = "removed";
        } else if (data instanceof ServiceRolledBack r) {
            type = "rolled-back";
            reason = r.reason();
            failed = true;
        } else {
            DeploymentFailed f = (DeploymentFailed) data;
            // not applied either way; a suspension is on purpose (the cell says "suspended", not "failed")
            type = f.reason() == DeploymentFailed.Reason.SUSPENDED ? "suspended" : "failed";
            reason = f.reason() + ": " + f.message();
            failed = true;
        }
        AppRecord record = apps.computeIfAbsent(d.app(), a -> new TreeMap<>())
                .computeIfAbsent(d.environment(), env -> new AppRecord(d.app(), env));
        record.add(new AppRecord.Entry(event.id(), event.context().timestamp(), type, d, event.chainId(), reason,
                failed, EventSummaries.summary(event)), limits.historyPerApp());
    }

    private static Deployment deploymentOf(PipelineEvent data) {
        return data instanceof DeploymentEvent e ? e.deployment() : null;
    }

    private static Views.Failure failureOf(EventEnvelope<?> event, ChainRecord chain) {
        PipelineEvent data = event.data();
        String repository = chain == null ? null : chain.repository();
        String commit = chain == null ? null : chain.commit();
        Instant at = event.context().timestamp();
        String type = EventSummaries.name(event.type());
        if (data instanceof BuildFinished b && (b.outcome() == BuildOutcome.FAILURE
                || b.outcome() == BuildOutcome.TIMED_OUT)) {
            return new Views.Failure(at, type, "build", event.chainId(), b.repository(), b.commit(), b.app(), null,
                    "build " + b.outcome().wire() + (b.reason() == null ? "" : ": " + b.reason()));
        }
        if (data instanceof TagUpdated t && (t.outcome() == TagUpdated.Outcome.FAILED
                || t.outcome() == TagUpdated.Outcome.NO_MATCH)) {
            return new Views.Failure(at, type, "config", event.chainId(), repository, commit, t.app(), null,
                    t.outcome() + (t.reason() == null ? "" : ": " + t.reason()));
        }
        if (data instanceof ConfigSynced s && s.outcome() == ConfigSynced.Outcome.FAILED) {
            return new Views.Failure(at, type, "sync", event.chainId(), s.configRepository(), s.toCommit(), null, null,
                    s.reason());
        }
        if (data instanceof DeploymentFailed f && f.reason() != DeploymentFailed.Reason.SUSPENDED) {
            // a suspended app is held on purpose: its chain says "suspended", it is not a failure to look into
            return new Views.Failure(at, type, "deploy", event.chainId(), repository, commit, f.deployment().app(),
                    f.deployment().environment(), f.reason() + ": " + f.message());
        }
        if (data instanceof ServiceRolledBack r) {
            return new Views.Failure(at, type, "deploy", event.chainId(), repository, commit, r.deployment().app(),
                    r.deployment().environment(), "rolled back to " + r.toVersion() + ": " + r.reason());
        }
        if (data instanceof RoutesUpdated r && (r.outcome() == RoutesUpdated.Outcome.INVALID
                || r.outcome() == RoutesUpdated.Outcome.RELOAD_FAILED)) {
            return new Views.Failure(at, type, "routes", event.chainId(), null, null, null, null,
                    r.outcome() + (r.message() == null ? "" : ": " + r.message()));
        }
        return null;
    }

    private static <K, V> void trim(LinkedHashMap<K, V> map, int limit) {
        Iterator<K> it = map.keySet().iterator();
        while (map.size() > limit && it.hasNext()) {
            it.next();
            it.remove();
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // queries (any thread)
    // ------------------------------------------------------------------------------------------------------------

    public synchronized Views.Status status() {
        return new Views.Status(caughtUp, records, decoded, malformed, duplicates, chains.size(), apps.size(),
                logs.builds(), logs.totalChars());
    }

    public synchronized boolean isCaughtUp() {
        return caughtUp;
    }

    public synchronized Views.Chain chain(String id) {
        ChainRecord chain = chains.get(id);
        return chain == null ? null : chain.view(links);
    }

    /**
     * Chains, newest push first: of {@code repository} (null: any) whose commit starts with {@code commitPrefix} (null:
     * any), at most {@code limit}.
     */
    public synchronized List<Views.Chain> chains(String repository, String commitPrefix, int limit) {
        List<ChainRecord> matching = new ArrayList<>();
        for (ChainRecord chain : chains.values()) {
            if (matches(chain, repository, commitPrefix)) {
                matching.add(chain);
            }
        }
        matching.sort(Comparator.comparing(ChainRecord::sortTime, Comparator.nullsFirst(Comparator.naturalOrder()))
                .reversed());
        return matching.stream().limit(limit).map(c -> c.view(links)).toList();
    }

    static boolean matches(ChainRecord chain, String repository, String commitPrefix) {
        return (repository == null || repository.equals(chain.repository()))
                && (commitPrefix == null || chain.commit() != null && chain.commit().startsWith(commitPrefix));
    }

    /** Whether {@code view} is a chain of {@code repository} whose commit starts with {@code commitPrefix}. */
    public static boolean matches(Views.Chain view, String repository, String commitPrefix) {
        return (repository == null || repository.equals(view.repository()))
                && (commitPrefix == null || view.commit() != null && view.commit().startsWith(commitPrefix));
    }

    public synchronized Views.Apps apps() {
        Set<String> environments = new TreeSet<>();
        apps.values().forEach(envs -> environments.addAll(envs.keySet()));
        List<Views.AppRow> rows = new ArrayList<>();
        for (String app : apps.keySet()) {
            rows.add(appRow(app));
        }
        return new Views.Apps(List.copyOf(environments), rows);
    }

    /** One app's row, or null when no deployment of it was seen. */
    public synchronized Views.AppRow app(String app) {
        return apps.containsKey(app) ? appRow(app) : null;
    }

    private Views.AppRow appRow(String app) {
        Map<String, Views.AppCell> cells = new LinkedHashMap<>();
        for (AppRecord record : apps.get(app).values()) {
            cells.put(record.environment, record.view(images, deployingChain(record), links));
        }
        return new Views.AppRow(app, cells);
    }

    /** The newest running chain that is to deploy this app here and started after its last deployment, or null. */
    private String deployingChain(AppRecord record) {
        String key = record.environment + "/" + record.app;
        AppRecord.Entry latest = record.latest();
        String found = null;
        Instant foundAt = null;
        for (ChainRecord chain : chains.values()) {
            Instant at = chain.sortTime();
            if (at == null || latest != null && !at.isAfter(latest.at())) {
                continue;
            }
            if (chain.expected().contains(key) && !chain.deployments().containsKey(key)
                    && chain.status().status() == ChainStatus.RUNNING && (foundAt == null || at.isAfter(foundAt))) {
                found = chain.id;
                foundAt = at;
            }
        }
        return found;
    }

    /** The Marathon apps that run, as {@code environment -> app -> Marathon app id}. */
    public synchronized Map<String, Map<String, String>> marathonApps() {
        Map<String, Map<String, String>> running = new TreeMap<>();
        apps.forEach((app, envs) -> envs.forEach((env, record) -> {
            String id = record.marathonAppId();
            if (id != null) {
                running.computeIfAbsent(env, e -> new TreeMap<>()).put(app, id);
            }
        }));
        return running;
    }

    /** An app's deployments, newest first, in one environment (null: all); null when the app is unknown. */
    public synchronized List<Views.HistoryEntry> history(String app, String environment) {
        Map<String, AppRecord> envs = apps.get(app);
        if (envs == null) {
            return null;
        }
        List<Views.HistoryEntry> entries = new ArrayList<>();
        for (AppRecord record : envs.values()) {
            if (environment != null && !environment.equals(record.environment)) {
                continue;
            }
            for (AppRecord.Entry e : record.history()) {
                String digest = AppRecord.digestOf(e.deployment().image());
                AppRecord.ImageInfo info = digest == null ? null : images.get(digest);
                entries.add(new Views.HistoryEntry(e.at(), app, record.environment, e.type(), e.deployment().image(),
                        digest, info == null ? null : info.commit(), e.deployment().version(), e.chainId(),
                        e.deployment().durationMs(), e.reason()));
            }
        }
        entries.sort(Comparator.comparing(Views.HistoryEntry::at).reversed());
        return entries;
    }

    /** The environments an app was seen in. */
    public synchronized Set<String> environmentsOf(String app) {
        return apps.containsKey(app) ? Set.copyOf(apps.get(app).keySet()) : Set.of();
    }

    public synchronized List<Views.Failure> failures(int limit) {
        List<Views.Failure> list = new ArrayList<>(failures);
        list.sort(Comparator.comparing(Views.Failure::at).reversed());
        return list.stream().limit(limit).toList();
    }

    /** Recent events, oldest first, of {@code types} (null: every type), at most the newest {@code limit}. */
    public synchronized List<Views.Event> events(Set<String> types, int limit) {
        List<Views.Event> list = new ArrayList<>();
        for (Views.Event e : events) {
            if (types == null || types.contains(e.name())) {
                list.add(e);
            }
        }
        return list.subList(Math.max(0, list.size() - limit), list.size());
    }

    /** A build's log as kept, or null when none of it was seen. */
    public synchronized Views.BuildLog buildLog(String buildId) {
        return logs.get(buildId, finishedBuilds.containsKey(buildId));
    }

    /** Whether a build's {@code build.finished} was seen. */
    public synchronized boolean buildFinished(String buildId) {
        return finishedBuilds.containsKey(buildId);
    }

    /** The repositories seen in pushes, by kind. */
    public synchronized Map<String, String> repositories() {
        Map<String, String> repositories = new TreeMap<>();
        for (ChainRecord chain : chains.values()) {
            if (chain.push() != null) {
                repositories.put(chain.push().repository(), chain.kind());
            }
        }
        return repositories;
    }
}
