package dev.quayside.gitwatcher.service.poll;

import dev.quayside.gitwatcher.client.GitClient;
import dev.quayside.gitwatcher.service.RepositoryRegistry;
import dev.quayside.gitwatcher.service.WatchedRepository;
import dev.quayside.gitwatcher.service.push.PushOutcome;
import dev.quayside.gitwatcher.service.push.PushService;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Polls every repository at its {@code poll-interval} (by default {@code quayside.git-watcher.poll-interval}, 1 minute:
 * the backstop for lost webhooks): {@code ls-remote}, then every head that differs from the last one recorded goes
 * through the {@link PushService} exactly like a webhook's (so a webhook and a poll of one push give one event). The
 * first poll of a repository records its heads without events.
 */
@ApplicationScoped
public class PollService {

    private static final Logger LOG = Logger.getLogger(PollService.class);

    /** The last poll of a repository. */
    public record PollStatus(Instant at, boolean ok, String error, List<PushOutcome> outcomes) {
    }

    private final RepositoryRegistry registry;
    private final GitClient git;
    private final PushService pushes;
    private final MeterRegistry meters;
    private final Map<String, PollStatus> last = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    public PollService(RepositoryRegistry registry, GitClient git, PushService pushes, MeterRegistry meters) {
        this.registry = registry;
        this.git = git;
        this.pushes = pushes;
        this.meters = meters;
    }

    @Scheduled(every = "${quayside.git-watcher.poll-tick:1s}", delayed = "${quayside.git-watcher.poll-tick:1s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void pollDue() {
        Instant now = Instant.now();
        for (WatchedRepository repository : registry.all()) {
            repository.pollInterval().ifPresent(interval -> {
                PollStatus previous = last.get(repository.name());
                if (previous == null || !previous.at().plus(interval).isAfter(now)) {
                    try {
                        poll(repository);
                    } catch (RuntimeException e) { // Git errors carry no credentials (GitClient)
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

    /**
     * Polls one repository now: one {@code ls-remote}; a fetch only for a head that moved to a commit git-watcher does
     * not have. A Git failure is recorded and rethrown. Returns once the heads it recorded are shown.
     */
    public PollStatus poll(WatchedRepository repository) {
        synchronized (locks.computeIfAbsent(repository.name(), n -> new Object())) {
            Instant at = Instant.now();
            try {
                Map<String, String> remote = git.lsRemote(repository.remote());
                PushService.Pushes polled = pushes.poll(repository, remote);
                if (polled.baseline()) {
                    LOG.infof("first poll of %s: recorded %d refs without events", repository.name(), remote.size());
                }
                PollStatus status = new PollStatus(at, true, null, polled.outcomes());
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
}
