package dev.quayside.board.service;

import static dev.quayside.board.service.ChainRecord.millis;
import static dev.quayside.board.service.ChainRecord.shortSha;

import dev.quayside.events.BuildFinished;
import dev.quayside.events.BuildQueued;
import dev.quayside.events.BuildStarted;
import dev.quayside.events.CommitPushed;
import dev.quayside.events.ConfigSynced;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.ImageBuilt;
import dev.quayside.events.PromotionApproved;
import dev.quayside.events.PromotionFailed;
import dev.quayside.events.PromotionRequested;
import dev.quayside.events.PromotionWaiting;
import dev.quayside.events.Promoted;
import dev.quayside.events.TagUpdated;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How one chain is shown: its timeline (a stage per pipeline step, in pipeline order, with pending stages for what is
 * still to come while the chain runs) and its {@link Views.Chain}, rendered from the parts a {@link ChainRecord} holds
 * and the status it works out. Made for one rendering, under {@link BoardView}'s lock.
 */
final class ChainTimeline {

    private final ChainRecord chain;
    private final EventEnvelope<CommitPushed> pushed;
    private final EventEnvelope<BuildQueued> queued;
    private final EventEnvelope<BuildStarted> started;
    private final EventEnvelope<BuildFinished> finished;
    private final EventEnvelope<ImageBuilt> image;
    private final List<EventEnvelope<TagUpdated>> tags;
    private final List<EventEnvelope<ConfigSynced>> syncs;
    private final Map<String, ChainRecord.Deployed> deployments;

    ChainTimeline(ChainRecord chain) {
        this.chain = chain;
        this.pushed = chain.pushedEvent();
        this.queued = chain.queuedEvent();
        this.started = chain.startedEvent();
        this.finished = chain.finishedEvent();
        this.image = chain.imageEvent();
        this.tags = chain.tagEvents();
        this.syncs = chain.syncEvents();
        this.deployments = chain.deployments();
    }

    /** The timeline: one stage per step, in pipeline order, with pending stages for what is still to come. */
    List<Views.Stage> stages(Links links) {
        List<Views.Stage> stages = new ArrayList<>();
        Instant pushedAt = pushed == null ? null : pushed.context().timestamp();
        boolean app = "app".equals(chain.kind());
        ChainRecord.Status status = chain.status();
        boolean open = status.status() == ChainStatus.RUNNING;
        if (pushed != null) {
            CommitPushed p = pushed.data();
            stages.add(new Views.Stage("push", "pushed", "succeeded", pushedAt, pushedAt, 0L,
                    p.refName() + ": " + p.commits().size() + " commit(s) via " + p.hostKind()
                            + (p.pusher() == null || p.pusher().name() == null ? "" : " by " + p.pusher().name()),
                    null, null, links.commit(p.repository(), p.cloneUrl(), p.after())));
        }
        Instant previous = pushedAt;
        EventEnvelope<Promoted> promotedBy = chain.promotedBy();
        if (promotedBy != null) { // a promotion's own chain starts where its source chain promoted it
            Promoted p = promotedBy.data();
            Instant at = promotedBy.context().timestamp();
            stages.add(new Views.Stage("promoted-from", "promoted from " + p.fromEnvironment(), "succeeded", at, at,
                    0L, p.image() + " from " + p.fromEnvironment() + " (config commit " + shortSha(p.configCommit())
                            + ")", p.app(), p.toEnvironment(), Map.of("chain", "/api/chains/" + promotedBy.chainId())));
            previous = at;
        }
        if (app) {
            previous = buildStage(stages, previous, links, open);
            previous = imageStage(stages, previous, links, open);
            previous = tagStages(stages, previous, links, open);
        }
        previous = syncStages(stages, previous, open && (!app || !tags.isEmpty() || !chain.expected().isEmpty()));
        deployStages(stages, previous, links, open);
        promotionStages(stages);
        return stages;
    }

    /**
     * One stage per environment the chain's deployments are promoted to: waiting at its gates (running), promoted
     * (with a link to the promotion's own chain) or not promoted and why.
     */
    private void promotionStages(List<Views.Stage> stages) {
        chain.promotions().forEach((environment, event) -> {
            Instant at = event.context().timestamp();
            String key = "promote:" + environment;
            String name = "promote to " + environment;
            if (event.data() instanceof PromotionWaiting w) {
                stages.add(new Views.Stage(key, name, "running", at, null, null, "waiting for "
                        + String.join(", ", w.gates() == null ? List.of() : w.gates())
                        + (w.soakUntil() == null ? "" : " (soak until " + w.soakUntil() + ")") + ": " + w.image(),
                        w.app(), environment, null));
            } else if (event.data() instanceof PromotionRequested r) {
                stages.add(new Views.Stage(key, name, "running", at, null, null, "requested"
                        + (r.gates() == null || r.gates().isEmpty() ? "" : " (gates: " + String.join(", ", r.gates())
                                + ")") + ": " + r.image(), r.app(), environment, null));
            } else if (event.data() instanceof PromotionApproved a) {
                stages.add(new Views.Stage(key, name, "running", at, null, null, "approved"
                        + (a.approvedBy() == null ? "" : " by " + a.approvedBy())
                        + (a.gates() == null || a.gates().isEmpty() ? "" : "; waiting for " + String.join(", ",
                                a.gates())) + ": " + a.image(), a.app(), environment, null));
            } else if (event.data() instanceof Promoted p) {
                stages.add(new Views.Stage(key, name, "succeeded", at, at, 0L, p.image() + " (config commit "
                        + shortSha(p.configCommit()) + ")", p.app(), environment,
                        p.chain() == null ? null : Map.of("chain", "/api/chains/" + p.chain())));
            } else if (event.data() instanceof PromotionFailed f) {
                stages.add(new Views.Stage(key, name, f.reason() == PromotionFailed.Reason.SUPERSEDED ? "skipped"
                        : "failed", at, at, 0L, f.reason() + (f.message() == null ? "" : ": " + f.message()), f.app(),
                        environment, null));
            }
        });
    }

    private Instant buildStage(List<Views.Stage> stages, Instant previous, Links links, boolean open) {
        if (queued == null && started == null && finished == null) {
            if (open && image == null) {
                stages.add(pending("build", "build", previous));
            }
            return previous;
        }
        Instant start = queued != null ? queued.context().timestamp()
                : started != null ? started.context().timestamp() : previous;
        String buildId = chain.buildId();
        Map<String, String> buildLinks = Map.of("log", "/api/builds/" + buildId + "/log");
        if (finished == null) {
            String summary = started != null ? "building (queued " + since(start, started.context().timestamp()) + ")"
                    : "queued";
            stages.add(new Views.Stage("build", "build", "running", start, null, null, summary, queued != null
                    ? queued.data().app() : started.data().app(), null, buildLinks));
            return null;
        }
        BuildFinished b = finished.data();
        Instant end = finished.context().timestamp();
        String state = switch (b.outcome()) {
            case SUCCESS -> "succeeded";
            case SKIPPED -> "skipped";
            default -> "failed";
        };
        stages.add(new Views.Stage("build", "build", state, start, end, between(start, end),
                b.outcome().wire() + " in " + millis(b.durationMs()) + (b.reason() == null ? "" : ": " + b.reason()),
                b.app(), null, buildLinks));
        return end;
    }

    private Instant imageStage(List<Views.Stage> stages, Instant previous, Links links, boolean open) {
        if (image == null) {
            if (open) {
                stages.add(pending("image", "image", previous));
            }
            return previous == null ? null : previous;
        }
        ImageBuilt i = image.data();
        Instant at = image.context().timestamp();
        Instant start = previous == null || previous.isAfter(at) ? at : previous;
        stages.add(new Views.Stage("image", "image", "succeeded", start, at, between(start, at),
                i.pinnedReference() + (i.reused() ? " (already in the registry)" : ""), i.app(), null,
                links.image(i.registry(), i.name(), i.tag(), i.digest())));
        return at;
    }

    private Instant tagStages(List<Views.Stage> stages, Instant previous, Links links, boolean open) {
        if (tags.isEmpty()) {
            if (open) {
                stages.add(pending("config", "config commit", previous));
            }
            return previous;
        }
        Instant last = previous;
        for (EventEnvelope<TagUpdated> tag : tags) {
            TagUpdated t = tag.data();
            Instant at = tag.context().timestamp();
            Instant start = previous == null || previous.isAfter(at) ? at : previous;
            String state = switch (t.outcome()) {
                case UPDATED -> "succeeded";
                case UNCHANGED -> "skipped";
                default -> "failed";
            };
            String summary = t.outcome() + (t.commitWritten() == null ? "" : " " + shortSha(t.commitWritten()))
                    + " in " + t.configRepository() + " (" + t.filesChanged() + " file(s))"
                    + (t.reason() == null ? "" : ": " + t.reason());
            stages.add(new Views.Stage(tags.size() == 1 ? "config" : "config:" + t.configRepository(),
                    "config commit", state, start, at, between(start, at), summary, t.app(), null,
                    t.commitWritten() == null ? Map.of() : links.configCommit(t.configRepository(), t.commitWritten())));
            last = at;
        }
        return last;
    }

    private Instant syncStages(List<Views.Stage> stages, Instant previous, boolean expectSync) {
        if (syncs.isEmpty()) {
            if (expectSync && (!"app".equals(chain.kind())
                    || tags.stream().anyMatch(t -> t.data().commitWritten() != null))) {
                stages.add(pending("sync", "Consul sync", previous));
            }
            return previous;
        }
        Instant last = previous;
        for (EventEnvelope<ConfigSynced> sync : syncs) {
            ConfigSynced s = sync.data();
            Instant at = sync.context().timestamp();
            Instant start = previous == null || previous.isAfter(at) ? at : previous;
            String summary = s.summary() + (s.reason() == null ? "" : ": " + s.reason());
            // a sync announced once per app it changed: one stage per app's announcement
            stages.add(new Views.Stage(syncs.size() == 1 ? "sync" : "sync:" + s.configRepository() + "/" + s.branch()
                    + (s.app() == null ? "" : "#" + s.app()), "Consul sync",
                    s.outcome() == ConfigSynced.Outcome.SYNCED ? "succeeded" : "failed", start, at,
                    between(start, at), summary, s.app(), null, null));
            last = at;
        }
        return last;
    }

    private void deployStages(List<Views.Stage> stages, Instant previous, Links links, boolean open) {
        Set<String> keys = new LinkedHashSet<>(chain.expected());
        keys.addAll(deployments.keySet());
        for (String key : keys) {
            String environment = key.substring(0, key.indexOf('/'));
            String app = key.substring(key.indexOf('/') + 1);
            ChainRecord.Deployed d = deployments.get(key);
            if (d == null) {
                if (open) {
                    stages.add(new Views.Stage("deploy:" + key, "deploy " + environment, previous == null ? "pending"
                            : "running", previous, null, null, "waiting for Marathon", app, environment, null));
                }
                continue;
            }
            Instant at = d.event().context().timestamp();
            // the applier's duration runs from its first request: never before the sync that caused it
            Instant start = d.deployment().durationMs() > 0 ? at.minusMillis(d.deployment().durationMs()) : previous;
            if (start == null || previous != null && start.isBefore(previous)) {
                start = previous;
            }
            if (start == null || start.isAfter(at)) {
                start = at;
            }
            stages.add(new Views.Stage("deploy:" + key, "deploy " + environment, d.failed() ? "failed" : "succeeded",
                    start, at, between(start, at), d.summary(), app, environment,
                    links.marathonApp(environment, d.deployment().targetId(), d.deployment().target())));
        }
    }

    private static Views.Stage pending(String key, String name, Instant previous) {
        return new Views.Stage(key, name, "pending", null, null, null, null, null, null, null);
    }

    private static Long between(Instant start, Instant end) {
        return start == null || end == null ? null : Duration.between(start, end).toMillis();
    }

    private static String since(Instant start, Instant end) {
        return millis(Duration.between(start, end).toMillis());
    }

    /** The view of this chain. */
    Views.Chain view(Links links) {
        ChainRecord.Status status = chain.status();
        CommitPushed p = chain.push();
        Instant pushedAt = pushed == null ? null : pushed.context().timestamp();
        Long duration = pushedAt == null || status.at() == null ? null : Duration.between(pushedAt, status.at()).toMillis();
        String message = null;
        String author = null;
        if (p != null && p.commits() != null && !p.commits().isEmpty()) {
            CommitPushed.Commit last = p.commits().get(p.commits().size() - 1);
            message = last.message() == null ? null : last.message().lines().findFirst().orElse("");
            author = last.author() == null ? null : last.author().name();
        }
        Map<String, String> chainLinks = new LinkedHashMap<>();
        if (p != null) {
            chainLinks.putAll(links.commit(p.repository(), p.cloneUrl(), p.after()));
        }
        return new Views.Chain(chain.id, chain.kind(), chain.repository(), p == null ? null : p.ref(), chain.commit(),
                message, author, pushedAt, status.status().wire(), status.reason(), status.at(), duration, chain.apps(),
                chain.buildId(), stages(links), chainLinks, chain.updatedAt(), chain.writeBackOf(),
                chain.promotedBy() == null ? null : chain.promotedBy().chainId());
    }
}
