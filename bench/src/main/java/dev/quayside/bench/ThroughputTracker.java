package dev.quayside.bench;

import dev.quayside.devstack.launcher.ChainFollower;
import dev.quayside.events.BuildFinished;
import dev.quayside.events.CommitPushed;
import dev.quayside.events.ConfigSynced;
import dev.quayside.events.DeploymentFailed;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.ImageBuilt;
import dev.quayside.events.ServiceDeployed;
import dev.quayside.events.ServiceUpgraded;
import dev.quayside.events.TagUpdated;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Follows every event topic (from the beginning of a fresh broker) on its own thread and records, per commit, when
 * each stage's event says it happened (the events' own {@code context.timestamp}). A commit is matched by its id
 * (commit pushed, build finished, image built), by its chain (tag updated, config synced) and, for the outcome, by the
 * image tag in the deployment event — so a deployment applied by another commit's mirror run still counts for the
 * commit whose image it deployed.
 */
final class ThroughputTracker implements AutoCloseable {

    /** One pushed commit and what became of it. */
    static final class Commit {
        final String app;
        final String sha;
        final String tag;
        final int step;
        final int seq;
        volatile Instant sent;
        volatile int httpStatus;
        volatile String sendError;
        volatile Instant pushed;
        volatile Instant built;
        volatile String buildOutcome;
        volatile Instant tagged;
        volatile String tagOutcome;
        volatile Instant synced;
        volatile Instant deployed;
        volatile String failed;

        Commit(String app, String sha, int step, int seq) {
            this.app = app;
            this.sha = sha;
            this.tag = sha.substring(0, 12);
            this.step = step;
            this.seq = seq;
        }

        boolean resolved() {
            return deployed != null || failed != null || sendError != null;
        }

        /** Where the chain stopped, for a commit that did not finish. */
        String stoppedAt() {
            if (sendError != null) {
                return "webhook: " + sendError;
            }
            if (failed != null) {
                return failed;
            }
            if (sent != null && httpStatus == 0) {
                return "webhook not answered";
            }
            if (pushed == null) {
                return "no commit-pushed";
            }
            if (built == null) {
                return buildOutcome == null ? "no image-built" : "build " + buildOutcome;
            }
            if (tagged == null) {
                return "no tag-updated";
            }
            if (tagOutcome != null && !tagOutcome.startsWith("UPDATED")) {
                return "tag " + tagOutcome;
            }
            return synced == null ? "no config-synced/deployment" : "no deployment";
        }
    }

    private final Map<String, Commit> bySha = new ConcurrentHashMap<>();
    private final Map<String, Commit> byTag = new ConcurrentHashMap<>();
    private final Map<String, Commit> byChain = new ConcurrentHashMap<>();
    private final ChainFollower follower;
    private volatile long events;

    ThroughputTracker(String bootstrap) {
        follower = new ChainFollower(bootstrap, true).inBackground("throughput-tracker", seen -> {
            events++;
            handle(seen.event(), seen.receivedAt());
        });
    }

    void register(Commit commit) {
        bySha.put(commit.sha, commit);
        byTag.put(commit.app + ":" + commit.tag, commit);
    }

    /** True when a newer commit of the same app was deployed (this one was overtaken, e.g. read from KV later). */
    boolean newerDeployed(Commit commit) {
        return bySha.values().stream().anyMatch(c -> c.app.equals(commit.app) && c.seq > commit.seq && c.deployed != null);
    }

    long events() {
        return events;
    }

    private void handle(EventEnvelope<?> event, Instant received) {
        Instant at = event.context().timestamp() != null ? event.context().timestamp() : received;
        Object data = event.data();
        if (data instanceof CommitPushed pushed) {
            Commit commit = bySha.get(pushed.after());
            if (commit != null) {
                byChain.put(event.chainId(), commit);
                if (commit.pushed == null) {
                    commit.pushed = at;
                }
            }
        } else if (data instanceof BuildFinished finished) {
            Commit commit = bySha.get(finished.commit());
            if (commit != null) {
                commit.buildOutcome = String.valueOf(finished.outcome()).toLowerCase();
            }
        } else if (data instanceof ImageBuilt built) {
            Commit commit = bySha.get(built.commit());
            if (commit != null && commit.built == null) {
                commit.built = at;
            }
        } else if (data instanceof TagUpdated tag) {
            Commit commit = byChain.get(event.chainId());
            if (commit != null && commit.tagged == null) {
                commit.tagged = at;
                commit.tagOutcome = String.valueOf(tag.outcome()) + (tag.reason() == null || tag.outcome()
                        == TagUpdated.Outcome.UPDATED ? "" : ": " + shortReason(tag.reason()));
            }
        } else if (data instanceof ConfigSynced synced) {
            Commit commit = byChain.get(event.chainId());
            // a sync is announced once per app it changed: the commit's own app's announcement (or a whole one)
            if (commit != null && commit.synced == null && (synced.app() == null || synced.app().equals(commit.app))) {
                commit.synced = at;
            }
        } else if (data instanceof ServiceUpgraded upgraded) {
            deployed(upgraded.deployment().app(), upgraded.deployment().image(), at);
        } else if (data instanceof ServiceDeployed deployed) {
            deployed(deployed.deployment().app(), deployed.deployment().image(), at);
        } else if (data instanceof DeploymentFailed failure && failure.reason() != DeploymentFailed.Reason.DRIFT) {
            Commit commit = byTag.get(failure.deployment().app() + ":" + tagOf(failure.deployment().image()));
            if (commit != null && commit.deployed == null && commit.failed == null) {
                commit.failed = "deployment failed: " + failure.reason() + " " + failure.message();
            }
        }
    }

    private void deployed(String app, String image, Instant at) {
        Commit commit = byTag.get(app + ":" + tagOf(image));
        if (commit != null && commit.deployed == null) {
            commit.deployed = at;
        }
    }

    /** A failure reason without its variable details (up to the first colon, at most 60 characters). */
    static String shortReason(String reason) {
        String text = reason.contains(":") ? reason.substring(0, reason.indexOf(':')) : reason;
        return text.length() > 60 ? text.substring(0, 60) + "…" : text;
    }

    /** The tag of {@code registry[:port]/name:tag[@digest]}, or "" when it has none. */
    static String tagOf(String image) {
        if (image == null) {
            return "";
        }
        String reference = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
        int slash = reference.lastIndexOf('/');
        int colon = reference.lastIndexOf(':');
        return colon > slash ? reference.substring(colon + 1) : "";
    }

    @Override
    public void close() {
        follower.close();
    }
}
