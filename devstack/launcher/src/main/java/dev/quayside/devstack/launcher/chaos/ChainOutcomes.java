package dev.quayside.devstack.launcher.chaos;

import dev.quayside.devstack.launcher.chaos.FinalState.Pushed;
import dev.quayside.events.BuildFinished;
import dev.quayside.events.CommitPushed;
import dev.quayside.events.ConfigSynced;
import dev.quayside.events.Deployment;
import dev.quayside.events.DeploymentEvent;
import dev.quayside.events.DeploymentFailed;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.PipelineEvent;
import dev.quayside.events.ServiceDeployed;
import dev.quayside.events.ServiceRemoved;
import dev.quayside.events.ServiceRolledBack;
import dev.quayside.events.ServiceUpgraded;
import dev.quayside.events.TagUpdated;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Property 1 of {@link FinalStateChecker}: the chain(s) each pushed commit started, and the terminal events they
 * ended with — deployed, rolled back, superseded, or a failure event with its reason. Also used by {@link ChaosRun} to
 * decide when the pipeline is quiet.
 */
public final class ChainOutcomes {

    /** The outcome of one pushed commit's chain(s). */
    public record ChainStatus(Pushed commit, List<String> chains, List<String> terminals, int redelivered,
            String lastEvent) {

        public boolean terminal() {
            return !terminals.isEmpty();
        }
    }

    private ChainOutcomes() {
    }

    /** The chain(s) of each pushed commit and their terminal events (also used to decide quiescence). */
    public static List<ChainStatus> of(List<Pushed> pushed, List<EventEnvelope<?>> events) {
        Map<String, List<EventEnvelope<?>>> byChain = new HashMap<>();
        Map<String, EventEnvelope<?>> pushes = new LinkedHashMap<>();
        for (EventEnvelope<?> event : events) {
            byChain.computeIfAbsent(event.chainId(), k -> new ArrayList<>()).add(event);
            if (event.data() instanceof CommitPushed) {
                pushes.putIfAbsent(event.id(), event);
            }
        }
        List<ChainStatus> statuses = new ArrayList<>();
        for (Pushed commit : pushed) {
            List<String> chains = new ArrayList<>();
            for (EventEnvelope<?> push : pushes.values()) {
                CommitPushed data = (CommitPushed) push.data();
                if (data.repository().equals(commit.repository()) && (commit.commit().equals(data.after())
                        || data.commits().stream().anyMatch(c -> c.id().equals(commit.commit())))) {
                    chains.add(push.id());
                }
            }
            Map<String, String> terminals = new LinkedHashMap<>();
            Set<String> ids = new HashSet<>();
            int redelivered = 0;
            String last = "commit-pushed";
            for (String chain : chains) {
                boolean rolledBack = byChain.get(chain).stream().anyMatch(e -> e.data() instanceof ServiceRolledBack r
                        && r.deployment().app().equals(commit.repository()));
                for (EventEnvelope<?> event : byChain.get(chain)) {
                    last = event.type().name().toLowerCase().replace('_', '-');
                    String outcome = terminal(event.data(), commit, rolledBack);
                    if (outcome != null) {
                        if (!ids.add(event.id())) {
                            redelivered++;
                        }
                        terminals.putIfAbsent(terminalKey(event, commit), outcome + " [" + shortId(event.id()) + "]");
                    }
                }
            }
            statuses.add(new ChainStatus(commit, chains, List.copyOf(terminals.values()), redelivered, last));
        }
        return statuses;
    }

    /**
     * What makes a terminal event one end of a chain: its id (a redelivery has the same), except for a config commit's
     * sync, which is announced once per app whose definitions it changed and once for the rest ({@code ConfigSynced}'s
     * {@code app}): those announcements of one sync, different ids, are one end, not doubled.
     */
    static String terminalKey(EventEnvelope<?> event, Pushed commit) {
        return commit.kind().equals("config") && event.data() instanceof ConfigSynced synced
                ? "sync " + event.chainId() + " " + synced.configRepository() + "/" + synced.branch() + "@"
                        + synced.toCommit() + " " + synced.outcome()
                : event.id();
    }

    /** The outcome {@code data} ends the chain of {@code commit} with, or null when it does not end it. */
    static String terminal(PipelineEvent data, Pushed commit, boolean rolledBack) {
        if (commit.kind().equals("config")) {
            return data instanceof ConfigSynced synced ? "config " + synced.outcome().name().toLowerCase() : null;
        }
        if (data instanceof BuildFinished build) {
            return switch (build.outcome()) {
                case FAILURE, TIMED_OUT -> "build " + build.outcome().wire() + ": " + build.reason();
                case SUPERSEDED -> "superseded (build)";
                default -> null;
            };
        }
        if (data instanceof TagUpdated tag && tag.app().equals(commit.repository())) {
            String outcome = tag.outcome().name();
            if (outcome.equals("FAILED") || outcome.equals("NO_MATCH")) {
                return "write-back " + outcome.toLowerCase() + ": " + tag.reason();
            }
            return outcome.equals("SUPERSEDED") ? "superseded (write-back)" : null;
        }
        if (data instanceof ConfigSynced synced && synced.outcome() == ConfigSynced.Outcome.FAILED) {
            return "sync failed: " + synced.reason();
        }
        Deployment deployment = deploymentOf(data);
        if (deployment == null || !deployment.app().equals(commit.repository())) {
            return null;
        }
        if (data instanceof ServiceDeployed || data instanceof ServiceUpgraded) {
            return "deployed";
        }
        if (data instanceof ServiceRolledBack) {
            return "rolled back";
        }
        if (data instanceof DeploymentFailed failed && failed.reason() != DeploymentFailed.Reason.DRIFT
                && !rolledBack) {
            return "deployment failed (" + failed.reason() + ")";
        }
        return null;
    }

    static Deployment deploymentOf(PipelineEvent data) {
        // a removal ends no chain of a pushed commit
        return data instanceof DeploymentEvent e && !(data instanceof ServiceRemoved) ? e.deployment() : null;
    }

    private static String shortId(String id) {
        return id.length() <= 12 ? id : id.substring(0, 12);
    }
}
