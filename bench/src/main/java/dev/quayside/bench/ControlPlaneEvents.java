package dev.quayside.bench;

import dev.quayside.devstack.launcher.ChainFollower;
import dev.quayside.events.BuildFinished;
import dev.quayside.events.CommitPushed;
import dev.quayside.events.DeploymentFailed;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.EventType;
import dev.quayside.events.ImageBuilt;
import dev.quayside.events.ServiceDeployed;
import dev.quayside.events.ServiceRolledBack;
import dev.quayside.events.ServiceUpgraded;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;


import static dev.quayside.bench.ControlPlaneBench.sleep;
/** Reads every event topic in a thread of its own and indexes what the figures need by commit. */
final class ControlPlaneEvents implements AutoCloseable {
    final Map<String, EventEnvelope<?>> pushed = new ConcurrentHashMap<>();
    final Map<String, BuildFinished> builds = new ConcurrentHashMap<>();
    final Map<String, ImageBuilt> images = new ConcurrentHashMap<>();
    final Set<String> deployedChains = ConcurrentHashMap.newKeySet();
    final Map<String, Map<EventType, Instant>> chains = new ConcurrentHashMap<>();
    private final ChainFollower follower;

    ControlPlaneEvents(String bootstrap) {
        follower = new ChainFollower(bootstrap, false).inBackground("control-plane-events", this::index);
    }

    private void index(ChainFollower.Seen seen) {
        EventEnvelope<?> e = seen.event();
        if (e.chainId() != null) {
            chains.computeIfAbsent(e.chainId(), k -> new ConcurrentHashMap<>()).putIfAbsent(e.type(),
                    e.context().timestamp());
        }
        if (e.data() instanceof CommitPushed p && "app".equals(p.repositoryKind())) {
            pushed.putIfAbsent(p.after(), e);
        } else if (e.data() instanceof BuildFinished b) {
            builds.put(b.commit(), b);
        } else if (e.data() instanceof ImageBuilt i) {
            images.put(i.commit(), i);
        } else if ((e.data() instanceof ServiceUpgraded || e.data() instanceof ServiceDeployed
                || e.data() instanceof DeploymentFailed || e.data() instanceof ServiceRolledBack)
                && e.chainId() != null) { // drift corrections start no chain
            deployedChains.add(e.chainId());
        }
    }

    Instant pushedAt(String commit) {
        EventEnvelope<?> e = pushed.get(commit);
        return e == null ? null : e.context().timestamp();
    }

    boolean awaitDeployed(ControlPlaneRun.Commit c, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            EventEnvelope<?> p = pushed.get(c.after());
            if (p != null && deployedChains.contains(p.id())) {
                return true;
            }
            sleep(100);
        }
        return false;
    }

    @Override
    public void close() {
        follower.close();
    }
}
