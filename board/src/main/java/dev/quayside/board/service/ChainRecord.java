package dev.quayside.board.service;

import dev.quayside.events.BuildFinished;
import dev.quayside.events.BuildOutcome;
import dev.quayside.events.BuildQueued;
import dev.quayside.events.BuildStarted;
import dev.quayside.events.CommitPushed;
import dev.quayside.events.ConfigSynced;
import dev.quayside.events.Deployment;
import dev.quayside.events.DeploymentFailed;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.ImageBuilt;
import dev.quayside.events.PipelineEvent;
import dev.quayside.events.PromotionApproved;
import dev.quayside.events.PromotionFailed;
import dev.quayside.events.PromotionRequested;
import dev.quayside.events.PromotionWaiting;
import dev.quayside.events.Promoted;
import dev.quayside.events.ServiceDeployed;
import dev.quayside.events.ServiceRemoved;
import dev.quayside.events.ServiceRolledBack;
import dev.quayside.events.ServiceUpgraded;
import dev.quayside.events.TagUpdated;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One chain as the events of it arrive. The topics are read one after another, not in the order the events happened,
 * so every event only fills in its own part and what the chain is (repository, commit, apps, the deployments it is to
 * cause) and its status are worked out from all parts when asked; {@link ChainTimeline} renders its stages and view.
 * Not thread-safe: {@link BoardView} holds its lock.
 */
final class ChainRecord {

    /** A definition file in the config repo: {@code marathon/<environment>/.../<app>.json} (or {@code chronos/}). */
    private static final Pattern DEFINITION = Pattern.compile("(?:^|/)(?:marathon|chronos)/([^/]+)/(?:.*/)?([^/]+)\\.json$");

    /** The outcome of one deployment in the chain. */
    record Deployed(EventEnvelope<?> event, Deployment deployment, boolean failed, String summary) {

        /** Not applied because the app is suspended in the environment. */
        boolean suspended() {
            return event.data() instanceof DeploymentFailed f && f.reason() == DeploymentFailed.Reason.SUSPENDED;
        }
    }

    final String id;
    private EventEnvelope<CommitPushed> pushed;
    private EventEnvelope<BuildQueued> queued;
    private EventEnvelope<BuildStarted> started;
    private EventEnvelope<BuildFinished> finished;
    private EventEnvelope<ImageBuilt> image;
    private final List<EventEnvelope<TagUpdated>> tags = new ArrayList<>();
    private final List<EventEnvelope<ConfigSynced>> syncs = new ArrayList<>();
    /** By {@code <environment>/<app>}; a failure is replaced by a later success (a retry) and the other way round. */
    private final Map<String, Deployed> deployments = new TreeMap<>();
    private Instant updatedAt;
    /** For a config-repo push that is config-syncer's own write-back: the chain that wrote it. */
    private String writeBackOf;
    /**
     * The promotions out of this chain's deployments ({@code PromotionWaiting}, {@code PromotionApproved},
     * {@code Promoted}, {@code PromotionFailed}), by target environment: the latest of each. They follow the chain's end and never change
     * its status.
     */
    private final Map<String, EventEnvelope<?>> promotions = new TreeMap<>();
    /** For a promotion's own chain (its id is the {@code Promoted} event's): that event, from the source chain. */
    private EventEnvelope<Promoted> promotedBy;

    ChainRecord(String id) {
        this.id = id;
    }

    /** Takes the event's part; returns false when it is not an event of a chain's stages. */
    @SuppressWarnings("unchecked")
    boolean apply(EventEnvelope<?> event) {
        PipelineEvent data = event.data();
        if (data instanceof CommitPushed) {
            pushed = (EventEnvelope<CommitPushed>) event;
        } else if (data instanceof BuildQueued) {
            queued = (EventEnvelope<BuildQueued>) event;
        } else if (data instanceof BuildStarted) {
            started = (EventEnvelope<BuildStarted>) event;
        } else if (data instanceof BuildFinished) {
            finished = (EventEnvelope<BuildFinished>) event;
        } else if (data instanceof ImageBuilt) {
            image = (EventEnvelope<ImageBuilt>) event;
        } else if (data instanceof TagUpdated) {
            replaceById(tags, (EventEnvelope<TagUpdated>) event);
        } else if (data instanceof ConfigSynced) {
            replaceById(syncs, (EventEnvelope<ConfigSynced>) event);
        } else if (data instanceof ServiceDeployed e) {
            deployed(event, e.deployment(), false, "new app, " + millis(e.deployment().durationMs()));
        } else if (data instanceof ServiceUpgraded e) {
            deployed(event, e.deployment(), false, e.unchanged() ? "unchanged"
                    : "rolling upgrade, " + millis(e.deployment().durationMs()));
        } else if (data instanceof ServiceRolledBack e) {
            deployed(event, e.deployment(), true, "rolled back to " + e.toVersion() + ": " + e.reason());
        } else if (data instanceof ServiceRemoved e) {
            deployed(event, e.deployment(), false, "removed");
        } else if (data instanceof DeploymentFailed e) {
            deployed(event, e.deployment(), true, e.reason() + ": " + e.message());
        } else if (data instanceof Promoted e) {
            promotion(e.toEnvironment(), event);
        } else if (data instanceof PromotionWaiting e) {
            promotion(e.toEnvironment(), event);
        } else if (data instanceof PromotionApproved e) {
            promotion(e.toEnvironment(), event);
        } else if (data instanceof PromotionRequested e) {
            promotion(e.toEnvironment(), event);
        } else if (data instanceof PromotionFailed e) {
            promotion(e.toEnvironment() == null ? "?" : e.toEnvironment(), event);
        } else {
            return false;
        }
        if (updatedAt == null || event.context().timestamp().isAfter(updatedAt)) {
            updatedAt = event.context().timestamp();
        }
        return true;
    }

    private static <T extends PipelineEvent> void replaceById(List<EventEnvelope<T>> list, EventEnvelope<T> event) {
        list.removeIf(e -> e.id().equals(event.id()));
        list.add(event);
        list.sort((a, b) -> a.context().timestamp().compareTo(b.context().timestamp()));
    }

    private void deployed(EventEnvelope<?> event, Deployment deployment, boolean failed, String summary) {
        String key = deployment.environment() + "/" + deployment.app();
        Deployed before = deployments.get(key);
        if (before == null || !event.context().timestamp().isBefore(before.event().context().timestamp())) {
            deployments.put(key, new Deployed(event, deployment, failed, summary));
        }
    }

    /** The latest promotion event towards {@code environment}: a waiting one is replaced by its outcome. */
    private void promotion(String environment, EventEnvelope<?> event) {
        EventEnvelope<?> before = promotions.get(environment);
        // the request comes first: it never replaces what followed it, whatever order the two are read in
        boolean request = event.data() instanceof PromotionRequested;
        if (before == null || before.data() instanceof PromotionRequested && !request
                || !request && !event.context().timestamp().isBefore(before.context().timestamp())) {
            promotions.put(environment, event);
        }
    }

    /** The promotion events out of this chain, one per target environment. */
    Map<String, EventEnvelope<?>> promotions() {
        return promotions;
    }

    /** Marks this chain as the promotion that {@code promoted} (an event of another chain) announced. */
    void promotedBy(EventEnvelope<Promoted> promoted) {
        this.promotedBy = promoted;
    }

    EventEnvelope<Promoted> promotedBy() {
        return promotedBy;
    }

    /** Marks this config-repo push as the write-back of {@code chainId} (already mirrored in that chain). */
    void writeBackOf(String chainId) {
        this.writeBackOf = chainId;
    }

    String writeBackOf() {
        return writeBackOf;
    }

    Instant sortTime() {
        return pushed != null ? pushed.context().timestamp() : updatedAt;
    }

    Instant updatedAt() {
        return updatedAt;
    }

    CommitPushed push() {
        return pushed == null ? null : pushed.data();
    }

    String repository() {
        if (pushed != null) {
            return pushed.data().repository();
        }
        if (queued != null) {
            return queued.data().repository();
        }
        if (finished != null) {
            return finished.data().repository();
        }
        if (image != null) {
            return image.data().repository();
        }
        return syncs.isEmpty() ? null : syncs.get(0).data().configRepository();
    }

    String commit() {
        if (pushed != null) {
            return pushed.data().after();
        }
        if (queued != null) {
            return queued.data().commit();
        }
        if (finished != null) {
            return finished.data().commit();
        }
        return image != null ? image.data().commit() : null;
    }

    String kind() {
        if (pushed != null && pushed.data().repositoryKind() != null) {
            return pushed.data().repositoryKind();
        }
        return queued != null || started != null || finished != null || image != null || !tags.isEmpty() ? "app"
                : "config";
    }

    String buildId() {
        if (finished != null) {
            return finished.data().buildId();
        }
        if (started != null) {
            return started.data().buildId();
        }
        return queued == null ? null : queued.data().buildId();
    }

    ImageBuilt image() {
        return image == null ? null : image.data();
    }

    List<TagUpdated> tags() {
        return tags.stream().map(EventEnvelope::data).toList();
    }

    Map<String, Deployed> deployments() {
        return deployments;
    }

    /** The apps this chain touches. */
    List<String> apps() {
        Set<String> apps = new LinkedHashSet<>();
        if (image != null) {
            apps.add(image.data().app());
        } else if (queued != null) {
            apps.add(queued.data().app());
        } else if (finished != null) {
            apps.add(finished.data().app());
        }
        if (promotedBy != null) {
            apps.add(promotedBy.data().app());
        }
        deployments.values().forEach(d -> apps.add(d.deployment().app()));
        expected().forEach(key -> apps.add(key.substring(key.indexOf('/') + 1)));
        return List.copyOf(apps);
    }

    /**
     * The deployments ({@code <environment>/<app>}) this chain is to cause: each definition the write-back changed, or
     * for a config push each definition the mirrored commit changed and did not delete.
     */
    Set<String> expected() {
        Set<String> expected = new LinkedHashSet<>();
        for (EventEnvelope<TagUpdated> tag : tags) {
            if (tag.data().changes() != null) {
                for (TagUpdated.FileChange change : tag.data().changes()) {
                    Matcher m = DEFINITION.matcher(change.path());
                    if (m.find()) {
                        expected.add((change.environment() != null ? change.environment() : m.group(1)) + "/"
                                + m.group(2));
                    }
                }
            }
        }
        if ("config".equals(kind())) {
            for (EventEnvelope<ConfigSynced> sync : syncs) {
                List<String> deleted = sync.data().keysDeleted() == null ? List.of() : sync.data().keysDeleted();
                for (String file : sync.data().filesChanged() == null ? List.<String>of() : sync.data().filesChanged()) {
                    Matcher m = DEFINITION.matcher(file);
                    if (m.find() && deleted.stream().noneMatch(k -> k.endsWith("/" + file))) {
                        expected.add(m.group(1) + "/" + m.group(2));
                    }
                }
            }
        }
        return expected;
    }

    /** The status and its reason, from every part seen. */
    Status status() {
        if (finished != null) {
            BuildFinished b = finished.data();
            if (b.outcome() == BuildOutcome.SUPERSEDED) {
                return new Status(ChainStatus.SUPERSEDED, b.reason(), finished.context().timestamp());
            }
            if (b.outcome() == BuildOutcome.FAILURE || b.outcome() == BuildOutcome.TIMED_OUT) {
                return new Status(ChainStatus.FAILED, "build " + b.outcome().wire()
                        + (b.reason() == null ? "" : ": " + b.reason()), finished.context().timestamp());
            }
        }
        for (EventEnvelope<TagUpdated> tag : tags) {
            TagUpdated t = tag.data();
            if (t.outcome() == TagUpdated.Outcome.FAILED || t.outcome() == TagUpdated.Outcome.NO_MATCH) {
                return new Status(ChainStatus.FAILED, "tag write-back " + t.outcome()
                        + (t.reason() == null ? "" : ": " + t.reason()), tag.context().timestamp());
            }
        }
        for (EventEnvelope<ConfigSynced> sync : syncs) {
            if (sync.data().outcome() == ConfigSynced.Outcome.FAILED) {
                return new Status(ChainStatus.FAILED, "config sync failed: " + sync.data().reason(),
                        sync.context().timestamp());
            }
        }
        for (Deployed d : deployments.values()) {
            if (d.failed() && !d.suspended()) {
                return new Status(ChainStatus.FAILED, "deployment of " + d.deployment().app() + " in "
                        + d.deployment().environment() + " failed: " + d.summary(), d.event().context().timestamp());
            }
        }
        for (Deployed d : deployments.values()) {
            if (d.suspended()) { // held on purpose, not broken: resuming applies what Git holds
                return new Status(ChainStatus.SUSPENDED, d.deployment().app() + " is suspended in "
                        + d.deployment().environment() + ": not applied there until resumed",
                        d.event().context().timestamp());
            }
        }
        if (pushed != null && (pushed.data().change() == CommitPushed.RefChange.BRANCH_DELETED
                || pushed.data().change() == CommitPushed.RefChange.TAG_DELETED)) {
            return new Status(ChainStatus.DELETED, pushed.data().change().name().toLowerCase().replace('_', ' '),
                    pushed.context().timestamp());
        }
        if (writeBackOf != null && syncs.isEmpty()) {
            return new Status(ChainStatus.SYNCED, "config-syncer's write-back for chain " + writeBackOf
                    + ", mirrored into Consul there", pushed == null ? updatedAt : pushed.context().timestamp());
        }
        Set<String> expected = expected();
        if (!expected.isEmpty()) {
            if (deployments.keySet().containsAll(expected)) {
                Instant last = expected.stream().map(k -> deployments.get(k).event().context().timestamp())
                        .max(Instant::compareTo).orElse(updatedAt);
                return new Status(ChainStatus.LIVE, null, last);
            }
            return new Status(ChainStatus.RUNNING, null, null);
        }
        if (!tags.isEmpty() && tags.stream().allMatch(t -> t.data().outcome() == TagUpdated.Outcome.UNCHANGED)) {
            EventEnvelope<TagUpdated> last = tags.get(tags.size() - 1);
            return new Status(ChainStatus.UNCHANGED, last.data().reason() != null ? last.data().reason()
                    : "the config repository already pins this image", last.context().timestamp());
        }
        if ("config".equals(kind()) && !syncs.isEmpty()) {
            EventEnvelope<ConfigSynced> last = syncs.get(syncs.size() - 1);
            return new Status(ChainStatus.SYNCED, "no definition changed", last.context().timestamp());
        }
        return new Status(ChainStatus.RUNNING, null, null);
    }

    /** A chain's status, why, and when it was reached (null while running). */
    record Status(ChainStatus status, String reason, Instant at) {
    }

    static String millis(long ms) {
        return ms < 1000 ? ms + " ms" : String.format("%.1f s", ms / 1000.0);
    }

    static String shortSha(String sha) {
        return sha == null ? "?" : sha.substring(0, Math.min(7, sha.length()));
    }

    EventEnvelope<CommitPushed> pushedEvent() {
        return pushed;
    }

    EventEnvelope<BuildQueued> queuedEvent() {
        return queued;
    }

    EventEnvelope<BuildStarted> startedEvent() {
        return started;
    }

    EventEnvelope<BuildFinished> finishedEvent() {
        return finished;
    }

    EventEnvelope<ImageBuilt> imageEvent() {
        return image;
    }

    /** The {@code TagUpdated} events, oldest first. */
    List<EventEnvelope<TagUpdated>> tagEvents() {
        return tags;
    }

    /** The {@code ConfigSynced} events, oldest first. */
    List<EventEnvelope<ConfigSynced>> syncEvents() {
        return syncs;
    }

    /** The view of this chain: see {@link ChainTimeline}. */
    Views.Chain view(Links links) {
        return new ChainTimeline(this).view(links);
    }
}
