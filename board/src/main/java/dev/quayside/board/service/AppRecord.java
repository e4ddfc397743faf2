package dev.quayside.board.service;

import dev.quayside.events.Deployment;
import dev.quayside.events.DeploymentTarget;
import dev.quayside.events.ImageReference;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * One app in one environment: its deployments, newest last (kept in event-time order whatever order they arrive in),
 * and what Marathon last said about its instances. Not thread-safe: {@link BoardView} holds its lock.
 */
final class AppRecord {

    /** A deployment event as kept. */
    record Entry(String eventId, Instant at, String type, Deployment deployment, String chainId, String reason,
            boolean failed, String summary) {
    }

    final String app;
    final String environment;
    private final List<Entry> history = new ArrayList<>();
    private Integer healthy;
    private Integer wanted;
    private String instancesError;
    private Instant instancesCheckedAt;

    AppRecord(String app, String environment) {
        this.app = app;
        this.environment = environment;
    }

    void add(Entry entry, int limit) {
        history.removeIf(e -> e.eventId().equals(entry.eventId()));
        history.add(entry);
        history.sort(Comparator.comparing(Entry::at));
        while (history.size() > limit) {
            history.remove(0);
        }
    }

    /** Records Marathon's answer; returns true when it changed what the board shows. */
    boolean instances(Integer healthy, Integer wanted, String error, Instant at) {
        boolean changed = !java.util.Objects.equals(this.healthy, healthy) || !java.util.Objects.equals(this.wanted, wanted)
                || !java.util.Objects.equals(this.instancesError, error);
        this.healthy = healthy;
        this.wanted = wanted;
        this.instancesError = error;
        this.instancesCheckedAt = at;
        return changed;
    }

    /** The last deployment that did not fail: what runs (or was removed). */
    Entry current() {
        for (int i = history.size() - 1; i >= 0; i--) {
            if (!history.get(i).failed()) {
                return history.get(i);
            }
        }
        return null;
    }

    Entry latest() {
        return history.isEmpty() ? null : history.get(history.size() - 1);
    }

    /** A Marathon app that runs (so its instances are worth asking for), or null. */
    String marathonAppId() {
        Entry current = current();
        return current != null && !"removed".equals(current.type())
                && current.deployment().target() == DeploymentTarget.MARATHON ? current.deployment().targetId() : null;
    }

    List<Entry> history() {
        return history;
    }

    /** When the current image started running here: the earliest of the successful deployments of it in a row. */
    Instant since() {
        Entry current = current();
        if (current == null) {
            return null;
        }
        Instant since = current.at();
        for (int i = history.size() - 1; i >= 0; i--) {
            Entry e = history.get(i);
            if (e.failed()) {
                continue;
            }
            if (!java.util.Objects.equals(e.deployment().image(), current.deployment().image())
                    || "removed".equals(e.type()) != "removed".equals(current.type())) {
                break;
            }
            since = e.at();
        }
        return since;
    }

    /** The view of this cell; {@code images} gives a digest's source commit and repository. */
    Views.AppCell view(Map<String, ImageInfo> images, String deployingChain, Links links) {
        Entry current = current();
        Entry latest = latest();
        String status;
        if (deployingChain != null) {
            status = "deploying";
        } else if (latest != null && "suspended".equals(latest.type())) {
            status = "suspended";
        } else if (latest != null && latest.failed()) {
            status = "failed";
        } else if (current != null && "removed".equals(current.type())) {
            status = "removed";
        } else {
            status = "running";
        }
        Deployment d = current != null ? current.deployment() : latest == null ? null : latest.deployment();
        String image = d == null ? null : d.image();
        String digest = digestOf(image);
        ImageInfo info = digest == null ? null : images.get(digest);
        Views.Failure lastFailure = null;
        for (int i = history.size() - 1; i >= 0; i--) {
            Entry e = history.get(i);
            if (e.failed()) {
                lastFailure = new Views.Failure(e.at(), e.type(), "deploy", e.chainId(), null, null, app, environment,
                        e.reason());
                break;
            }
        }
        Views.Change change = latest == null ? null
                : new Views.Change(latest.type(), latest.at(), latest.chainId(), latest.summary());
        java.util.Map<String, String> cellLinks = new java.util.LinkedHashMap<>();
        if (d != null) {
            cellLinks.putAll(links.marathonApp(environment, d.targetId(), d.target()));
        }
        if (info != null) {
            cellLinks.putAll(links.commit(info.repository(), null, info.commit()));
            cellLinks.putAll(links.image(info.registry(), info.name(), info.tag(), digest));
        }
        return new Views.AppCell(app, environment, d == null ? null : d.target().wire(), d == null ? null : d.targetId(),
                status, image, digest, info == null ? null : info.commit(), info == null ? null : info.repository(),
                current == null ? null : current.deployment().version(), since(), healthy, wanted, instancesError,
                instancesCheckedAt, change, lastFailure, deployingChain, cellLinks);
    }

    static String digestOf(String image) {
        if (image == null || image.isBlank()) {
            return null;
        }
        try {
            return ImageReference.parse(image).digest();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** What an image built by Quayside was built from. */
    record ImageInfo(String repository, String commit, String registry, String name, String tag) {
    }
}
