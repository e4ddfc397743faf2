package dev.quayside.devstack.launcher;

import dev.quayside.events.BuildFinished;
import dev.quayside.events.BuildOutcome;
import dev.quayside.events.CommitPushed;
import dev.quayside.events.ConfigSynced;
import dev.quayside.events.ContainerStarted;
import dev.quayside.events.DeploymentFailed;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.ImageBuilt;
import dev.quayside.events.PipelineEvent;
import dev.quayside.events.RoutesUpdated;
import dev.quayside.events.ServiceDeployed;
import dev.quayside.events.ServiceRolledBack;
import dev.quayside.events.ServiceUpgraded;
import dev.quayside.events.TagUpdated;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Follows one commit of the sample app through the pipeline, printing each stage as it happens with its time since
 * the push, until the new version answers through HAProxy, a stage fails, or the deadline passes.
 */
public final class PipelineWatch {

    /** What happened to the commit. */
    public record Result(boolean live, String failure, List<ChainFollower.Seen> events, Duration elapsed) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private PipelineWatch() {
    }

    /**
     * Pushes with {@code push} (returning the commit id), then watches until {@code http://127.0.0.1:<frontendPort>/version}
     * answers {@code version}.
     */
    public static Result pushAndFollow(String bootstrap, int frontendPort, String repository, String version,
            Supplier<String> push, Duration timeout, PrintStream out) {
        return pushAndFollow(bootstrap, Map.of(), frontendPort, repository, version, push, timeout, out);
    }

    /** {@link #pushAndFollow} on a broker that wants {@code client}'s login (a SCRAM user). */
    public static Result pushAndFollow(String bootstrap, Map<String, String> client, int frontendPort,
            String repository, String version, Supplier<String> push, Duration timeout, PrintStream out) {
        try (ChainFollower follower = new ChainFollower(bootstrap, client, false)) {
            Instant start = Instant.now();
            String commit = push.get();
            out.printf("%8s  pushed %s@%s (version %s)%n", "+0.00s", repository, commit.substring(0, 7), version);
            String[] chain = {null};
            String[] failure = {null};
            boolean[] deployed = {false};
            boolean[] live = {false};
            Instant deadline = start.plus(timeout);
            List<ChainFollower.Seen> mine = new ArrayList<>();
            while (Instant.now().isBefore(deadline) && failure[0] == null && !live[0]) {
                follower.poll(Duration.ofMillis(300), seen -> {
                    PipelineEvent data = seen.event().data();
                    if (chain[0] == null && data instanceof CommitPushed pushed && pushed.repository().equals(repository)
                            && pushed.after().equals(commit)) {
                        chain[0] = seen.event().id();
                    }
                    boolean inChain = chain[0] != null && chain[0].equals(seen.event().chainId());
                    boolean afterDeploy = deployed[0] && (data instanceof ContainerStarted || data instanceof RoutesUpdated);
                    if (!inChain && !afterDeploy) {
                        return;
                    }
                    mine.add(seen);
                    String line = describe(seen.event());
                    if (line != null) {
                        out.printf("%8s  %s%n", since(start, seen.receivedAt()), line);
                    }
                    String failed = failureOf(data);
                    if (failed != null && inChain) {
                        failure[0] = failed;
                    }
                    if (inChain && (data instanceof ServiceDeployed || data instanceof ServiceUpgraded)) {
                        deployed[0] = true;
                    }
                });
                if (deployed[0] && version.equals(fetch("http://127.0.0.1:" + frontendPort + "/version"))) {
                    live[0] = true;
                    out.printf("%8s  route live: http://127.0.0.1:%d/ answers version %s%n", since(start, Instant.now()),
                            frontendPort, version);
                }
            }
            Duration elapsed = Duration.between(start, Instant.now());
            if (!live[0] && failure[0] == null) {
                failure[0] = "version " + version + " was not live through HAProxy within " + timeout.toSeconds()
                        + " s (last stage seen: " + (mine.isEmpty() ? "none" : describe(mine.get(mine.size() - 1).event()))
                        + ")";
            }
            return new Result(live[0], live[0] ? null : failure[0], mine, elapsed);
        }
    }

    static String describe(EventEnvelope<?> event) {
        PipelineEvent data = event.data();
        if (data instanceof CommitPushed e) {
            return "commit pushed        " + e.repository() + " " + e.ref() + " (" + e.commits().size() + " commit(s), via "
                    + e.hostKind() + ")";
        }
        if (data instanceof BuildFinished e) {
            return "build finished       " + e.outcome().wire() + " in " + e.durationMs() + " ms"
                    + (e.reason() == null ? "" : ": " + e.reason());
        }
        if (data instanceof ImageBuilt e) {
            return "image built          " + e.pinnedReference() + (e.reused() ? " (already in the registry)" : "");
        }
        if (data instanceof TagUpdated e) {
            return "tag written          " + e.outcome() + (e.commitWritten() == null ? "" : " config commit "
                    + e.commitWritten().substring(0, 7)) + " (" + e.filesChanged() + " file(s))"
                    + (e.reason() == null ? "" : ": " + e.reason());
        }
        if (data instanceof ConfigSynced e) {
            return "config synced        " + e.summary() + " at index " + e.consulIndex();
        }
        if (data instanceof ServiceDeployed e) {
            return "deployed             " + e.deployment().targetId() + " on Marathon (new app, " + e.deployment().durationMs() + " ms)";
        }
        if (data instanceof ServiceUpgraded e) {
            return "deployed             " + e.deployment().targetId() + " on Marathon ("
                    + (e.unchanged() ? "unchanged" : "rolling upgrade, " + e.deployment().durationMs() + " ms") + ")";
        }
        if (data instanceof DeploymentFailed e) {
            return "DEPLOYMENT FAILED    " + e.reason() + ": " + e.message();
        }
        if (data instanceof ServiceRolledBack e) {
            return "rolled back          " + e.deployment().targetId() + " to " + e.toVersion();
        }
        if (data instanceof ContainerStarted e) {
            return "container registered " + e.container().serviceName() + " " + e.container().address() + ":"
                    + e.container().port() + " in the Consul catalog";
        }
        if (data instanceof RoutesUpdated e) {
            return "routes updated       " + e.outcome() + " (" + e.routes().size() + " route(s))";
        }
        return null;
    }

    static String failureOf(PipelineEvent data) {
        if (data instanceof BuildFinished e && e.outcome() != BuildOutcome.SUCCESS && e.outcome() != BuildOutcome.SKIPPED) {
            return "build " + e.outcome().wire() + ": " + e.reason();
        }
        if (data instanceof DeploymentFailed e) {
            return "deployment failed (" + e.reason() + "): " + e.message();
        }
        if (data instanceof TagUpdated e && (e.outcome() == TagUpdated.Outcome.FAILED || e.outcome() == TagUpdated.Outcome.NO_MATCH)) {
            return "tag write-back " + e.outcome() + ": " + e.reason();
        }
        if (data instanceof ConfigSynced e && e.outcome() == ConfigSynced.Outcome.FAILED) {
            return "config sync failed: " + e.reason();
        }
        return null;
    }

    private static String since(Instant start, Instant at) {
        return String.format("+%.2fs", Duration.between(start, at).toMillis() / 1000.0);
    }

    /** The body of a GET, trimmed, or null when nothing answers. */
    public static String fetch(String url) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body().trim() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
