package dev.quayside.gitwatcher.service;

import dev.quayside.events.CommitPushed;
import dev.quayside.events.CommitPushed.Commit;
import dev.quayside.events.CommitPushed.RefChange;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.EventIds;
import dev.quayside.events.EventType;
import dev.quayside.gitwatcher.client.DeliveryLog;
import dev.quayside.gitwatcher.client.DeliveryLogUnavailableException;
import dev.quayside.gitwatcher.client.GitClient;
import dev.quayside.gitwatcher.config.GitWatcherConfig;
import dev.quayside.gitwatcher.messaging.CommitPushedPublisher;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Turns one ref update of a watched repository into at most one {@link CommitPushed}, whoever reported it (a webhook
 * or a poll) and however often: filter by configuration, de-duplicate through the {@link DeliveryLog}, fill in the
 * commits when the report had none, publish, record.
 */
@ApplicationScoped
public class PushService {

    private static final Logger LOG = Logger.getLogger(PushService.class);

    private final GitWatcherConfig config;
    private final DeliveryLog log;
    private final GitClient git;
    private final CommitPushedPublisher publisher;
    private final MeterRegistry registry;
    private final Timer claimTimer;
    private final Timer publishTimer;
    private final Timer recordTimer;

    public PushService(GitWatcherConfig config, DeliveryLog log, GitClient git, CommitPushedPublisher publisher,
            MeterRegistry registry) {
        this.config = config;
        this.log = log;
        this.git = git;
        this.publisher = publisher;
        this.registry = registry;
        this.claimTimer = phaseTimer(registry, "claim");
        this.publishTimer = phaseTimer(registry, "publish");
        this.recordTimer = phaseTimer(registry, "record");
    }

    /** The time of one step of emitting a push (claim, publish, record), with its median and 99th percentile. */
    private static Timer phaseTimer(MeterRegistry registry, String phase) {
        return Timer.builder("quayside.git-watcher.push.phase").tag("phase", phase)
                .description("one step of emitting a push: claim (write + read back), publish (event acked), record")
                .publishPercentiles(0.5, 0.99).register(registry);
    }

    /** What a push did to its ref, or null for refs that are neither branches nor tags. */
    public static RefChange change(String ref, String before, String after) {
        boolean created = Payloads.isZero(before);
        boolean deleted = Payloads.isZero(after);
        if (ref.startsWith("refs/heads/")) {
            return deleted ? RefChange.BRANCH_DELETED : created ? RefChange.BRANCH_CREATED : RefChange.BRANCH_UPDATED;
        }
        if (ref.startsWith("refs/tags/")) {
            return deleted ? RefChange.TAG_DELETED : RefChange.TAG_PUSHED;
        }
        return null;
    }

    /**
     * The de-duplication key and event id parts of a push: repository, ref and new head; a deletion also names the
     * head it deleted, so deleting a re-created branch is a new event.
     */
    static String[] identity(String repository, String ref, String before, String after) {
        return Payloads.isZero(after) ? new String[] { repository, ref, after, before }
                : new String[] { repository, ref, after };
    }

    /**
     * Handles one ref update; {@code deliveryId} is the webhook's or a poll's id. An update without its previous
     * commit (a deletion as Gitea's {@code delete} event reports it) takes the ref's last head git-watcher saw.
     */
    public PushOutcome submit(WatchedRepository repository, PushedRef update, HostKind host, String deliveryId) {
        String ref = update.ref();
        if (update.before() == null) {
            String lastSeen = log.heads(repository.name()).get(ref);
            if (lastSeen == null) {
                count(host, "skipped");
                return new PushOutcome(PushOutcome.Status.SKIPPED, ref, update.after(), null, null, ref
                        + " was deleted, but git-watcher has no head of it (never seen, or its deletion was already"
                        + " announced)");
            }
            update = update.withBefore(lastSeen);
        }
        PushedRef pushed = update;
        RefChange change = change(ref, pushed.before(), pushed.after());
        String skipped = skipReason(repository, ref, change, pushed);
        if (skipped != null) {
            count(host, "skipped");
            return new PushOutcome(PushOutcome.Status.SKIPPED, ref, pushed.after(), change, null, skipped);
        }
        String[] identity = identity(repository.name(), ref, pushed.before(), pushed.after());
        String key = String.join("|", identity);
        String eventId = EventIds.of(EventType.COMMIT_PUSHED, identity);
        if (log.emittedEventId(key).isPresent()) {
            count(host, "duplicate");
            return duplicate(ref, pushed.after(), change, eventId, "already emitted");
        }
        List<Commit> commits = pushed.commits();
        if (!pushed.commitsComplete() && !Payloads.isZero(pushed.after())) {
            commits = git.commits(repository.name(), repository.config(), ref, pushed.before(), pushed.after(),
                    config.maxCommits());
        } else if (commits.size() > config.maxCommits()) {
            commits = commits.subList(commits.size() - config.maxCommits(), commits.size());
        }
        long claimStart = System.nanoTime();
        DeliveryLog.ClaimResult claim = log.claim(key);
        claimTimer.record(System.nanoTime() - claimStart, TimeUnit.NANOSECONDS);
        switch (claim) {
            case ALREADY_EMITTED:
                count(host, "duplicate");
                return duplicate(ref, pushed.after(), change, eventId, "already emitted");
            case CLAIMED_ELSEWHERE:
                count(host, "duplicate");
                return duplicate(ref, pushed.after(), change, eventId, "being emitted by another instance");
            default:
                break;
        }
        CommitPushed event = new CommitPushed(repository.name(), repository.config().kind().wireName(),
                repository.cloneUrl(), ref, change, pushed.before(), pushed.after(), commits, pushed.pusher(),
                deliveryId, host.wireName());
        EventEnvelope<CommitPushed> envelope = EventEnvelope.startChain(event, config.source(), eventId,
                Instant.now());
        publish(envelope);
        long recordStart = System.nanoTime();
        log.markEmitted(key, eventId, repository.name(), ref, pushed.after());
        recordTimer.record(System.nanoTime() - recordStart, TimeUnit.NANOSECONDS);
        count(host, "emitted");
        LOG.infof("%s %s %s %s → %s (event %s, from %s)", repository.name(), change, ref,
                abbreviate(pushed.before()), abbreviate(pushed.after()), eventId, host.wireName());
        return new PushOutcome(PushOutcome.Status.EMITTED, ref, pushed.after(), change, eventId, null);
    }

    private String skipReason(WatchedRepository repository, String ref, RefChange change, PushedRef pushed) {
        if (change == null) {
            return "ref " + ref + " is neither a branch nor a tag";
        }
        if (pushed.before().equals(pushed.after())) {
            return "ref " + ref + " did not change";
        }
        GitWatcherConfig.Repository config = repository.config();
        switch (change) {
            case TAG_PUSHED:
            case TAG_DELETED:
                return config.tags() ? null : "tags of " + repository.name() + " are not watched";
            case BRANCH_DELETED:
                if (!config.branchDeletions()) {
                    return "branch deletions of " + repository.name() + " are not watched";
                }
                break;
            default:
                break;
        }
        String branch = ref.substring("refs/heads/".length());
        return repository.watchesBranch(branch) ? null
                : "branch " + branch + " does not match " + config.branches();
    }

    private void publish(EventEnvelope<CommitPushed> envelope) {
        long start = System.nanoTime();
        try {
            publisher.publish(envelope).toCompletableFuture().get(config.dedup().timeout().toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryLogUnavailableException("interrupted while publishing " + envelope.id());
        } catch (ExecutionException | TimeoutException e) {
            throw new DeliveryLogUnavailableException("Kafka did not acknowledge event " + envelope.id() + ": "
                    + (e.getCause() != null ? e.getCause() : e));
        } finally {
            publishTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    private void count(HostKind host, String outcome) {
        registry.counter("quayside.git-watcher.pushes", "host", host.wireName(), "outcome", outcome).increment();
    }

    private static PushOutcome duplicate(String ref, String after, RefChange change, String eventId, String reason) {
        return new PushOutcome(PushOutcome.Status.DUPLICATE, ref, after, change, eventId, reason);
    }

    private static String abbreviate(String sha) {
        return sha.length() > 12 ? sha.substring(0, 12) : sha;
    }
}
