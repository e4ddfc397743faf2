package dev.quayside.gitwatcher.service;

import dev.quayside.events.CommitPushed;
import dev.quayside.gitwatcher.client.DeliveryLog;
import dev.quayside.gitwatcher.client.GitClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Polls repositories that have a {@code poll-interval}: {@code ls-remote}, then every head that differs from the last
 * one recorded goes through the {@link PushService} exactly like a webhook's (so a webhook and a poll of one push give
 * one event). The first poll of a repository records its heads without events.
 */
@ApplicationScoped
public class PollService {

    private static final Logger LOG = Logger.getLogger(PollService.class);

    /** The last poll of a repository. */
    public record PollStatus(Instant at, boolean ok, String error, List<PushOutcome> outcomes) {
    }

    private final RepositoryRegistry registry;
    private final GitClient git;
    private final DeliveryLog log;
    private final PushService pushes;
    private final MeterRegistry meters;
    private final Map<String, PollStatus> last = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    public PollService(RepositoryRegistry registry, GitClient git, DeliveryLog log, PushService pushes,
            MeterRegistry meters) {
        this.registry = registry;
        this.git = git;
        this.log = log;
        this.pushes = pushes;
        this.meters = meters;
    }

    @Scheduled(every = "${quayside.git-watcher.poll-tick:1s}", delayed = "${quayside.git-watcher.poll-tick:1s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void pollDue() {
        Instant now = Instant.now();
        for (WatchedRepository repository : registry.all()) {
            repository.config().pollInterval().ifPresent(interval -> {
                PollStatus previous = last.get(repository.name());
                if (previous == null || !previous.at().plus(interval).isAfter(now)) {
                    try {
                        poll(repository);
                    } catch (RuntimeException e) {
                        LOG.warnf("poll of %s failed: %s", repository.name(), e.getMessage());
                    }
                }
            });
        }
    }

    /** The last poll of each polled repository. */
    public Map<String, PollStatus> lastPolls() {
        return Map.copyOf(last);
    }

    /** Polls one repository now; a Git failure is recorded and rethrown. */
    public PollStatus poll(WatchedRepository repository) {
        synchronized (locks.computeIfAbsent(repository.name(), n -> new Object())) {
            Instant at = Instant.now();
            try {
                List<PushOutcome> outcomes = pollLocked(repository);
                log.awaitOwnWrites(); // GET /repositories and this poll's answer show the heads it recorded
                PollStatus status = new PollStatus(at, true, null, outcomes);
                last.put(repository.name(), status);
                meters.counter("quayside.git-watcher.polls", "outcome", "ok").increment();
                return status;
            } catch (RuntimeException e) {
                last.put(repository.name(), new PollStatus(at, false, e.getMessage(), List.of()));
                meters.counter("quayside.git-watcher.polls", "outcome", "failed").increment();
                throw e;
            }
        }
    }

    private List<PushOutcome> pollLocked(WatchedRepository repository) {
        log.awaitCaughtUp();
        Map<String, String> remote = git.lsRemote(repository.name(), repository.config());
        String name = repository.name();
        if (!log.hasBaseline(name)) {
            log.markBaseline(name, remote);
            LOG.infof("first poll of %s: recorded %d refs without events", name, remote.size());
            return List.of();
        }
        Map<String, String> known = log.heads(name);
        RepositoryIdentity identity = new RepositoryIdentity(name, List.of());
        String pollId = "poll-" + at();
        List<PushOutcome> outcomes = new ArrayList<>();
        remote.forEach((ref, head) -> {
            String before = known.getOrDefault(ref, CommitPushed.ZERO_SHA);
            if (!head.equals(before)) {
                outcomes.add(pushes.submit(repository,
                        new PushedRef(identity, ref, before, head, List.of(), false, null), HostKind.POLL, pollId));
            }
        });
        known.forEach((ref, head) -> {
            if (!remote.containsKey(ref)) {
                outcomes.add(pushes.submit(repository, new PushedRef(identity, ref, head,
                        CommitPushed.ZERO_SHA, List.of(), true, null), HostKind.POLL, pollId));
            }
        });
        return outcomes;
    }

    private static String at() {
        return Instant.now().toString();
    }
}
