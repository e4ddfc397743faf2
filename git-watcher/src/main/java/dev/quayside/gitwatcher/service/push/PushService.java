package dev.quayside.gitwatcher.service.push;

import dev.quayside.events.CommitPushed.Commit;
import dev.quayside.events.CommitPushed.RefChange;
import dev.quayside.events.CommitPushed;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.EventIds;
import dev.quayside.events.EventType;
import dev.quayside.gitwatcher.client.DeliveryLog;
import dev.quayside.gitwatcher.client.GitClient;
import dev.quayside.gitwatcher.client.KafkaUnavailableException;
import dev.quayside.gitwatcher.config.GitWatcherConfig;
import dev.quayside.gitwatcher.messaging.CommitPushedPublisher;
import dev.quayside.gitwatcher.service.HostKind;
import dev.quayside.gitwatcher.service.RepositoryIdentity;
import dev.quayside.gitwatcher.service.WatchedRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Turns the ref updates of a watched repository into at most one {@link CommitPushed} each, whoever reported them (a
 * webhook or a poll) and however often: filter by configuration, fill in the commits when the report had none,
 * publish — with the {@link DeliveryLog} de-duplicating, in one call per report.
 */
@ApplicationScoped
public class PushService {

    private static final Logger LOG = Logger.getLogger(PushService.class);

    /** What became of a report: whether its delivery id was seen before, and each ref update's outcome. */
    public record Pushes(boolean seenDelivery, boolean baseline, List<PushOutcome> outcomes) {
    }

    private final GitWatcherConfig config;
    private final DeliveryLog log;
    private final GitClient git;
    private final CommitPushedPublisher publisher;
    private final MeterRegistry registry;
    private final Timer publishTimer;

    public PushService(GitWatcherConfig config, DeliveryLog log, GitClient git, CommitPushedPublisher publisher,
            MeterRegistry registry) {
        this.config = config;
        this.log = log;
        this.git = git;
        this.publisher = publisher;
        this.registry = registry;
        this.publishTimer = DeliveryLog.phaseTimer(registry, "publish");
    }

    /** What a push did to its ref, or null for refs that are neither branches nor tags. */
    public static RefChange change(String ref, String before, String after) {
        boolean created = PushedRef.isZero(before);
        boolean deleted = PushedRef.isZero(after);
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
        return PushedRef.isZero(after) ? new String[] { repository, ref, after, before }
                : new String[] { repository, ref, after };
    }

    /**
     * Handles the ref updates of one webhook delivery ({@code deliveryId} may be null). An update without its previous
     * commit (a deletion as Gitea's {@code delete} event reports it) takes the ref's last head git-watcher saw.
     */
    public Pushes submit(WatchedRepository repository, List<PushedRef> updates, HostKind host, String deliveryId) {
        List<DeliveryLog.Update> reported = updates.stream()
                .map(u -> new DeliveryLog.Update(u.ref(), u.before(), u.after())).collect(Collectors.toList());
        DeliveryLog.Recorded recorded = log.record(host.wireName(), deliveryId, repository.name(), reported,
                (index, update, announced) -> plan(repository, updates.get(index).withBefore(update.before()),
                        announced, host, deliveryId));
        return outcomes(recorded, host);
    }

    /** Handles a poll that listed {@code remote} (ref → head) for {@code repository}. */
    public Pushes poll(WatchedRepository repository, Map<String, String> remote) {
        String pollId = "poll-" + Instant.now();
        RepositoryIdentity identity = new RepositoryIdentity(repository.name(), List.of());
        DeliveryLog.Recorded recorded = log.poll(repository.name(), remote, (index, update, announced) -> plan(
                repository, new PushedRef(identity, update.ref(), update.before(), update.after(), List.of(),
                        PushedRef.isZero(update.after()), null), announced, HostKind.POLL, pollId));
        return outcomes(recorded, HostKind.POLL);
    }

    private Pushes outcomes(DeliveryLog.Recorded recorded, HostKind host) {
        List<PushOutcome> outcomes = new ArrayList<>(recorded.results().size());
        for (DeliveryLog.Result result : recorded.results()) {
            DeliveryLog.Update update = result.update();
            RefChange change = update.before() == null ? null : change(update.ref(), update.before(), update.after());
            PushOutcome.Status status = PushOutcome.Status.valueOf(result.status().name());
            count(host, status.name().toLowerCase(java.util.Locale.ROOT));
            outcomes.add(new PushOutcome(status, update.ref(), update.after(), change, result.eventId(),
                    result.reason()));
        }
        return new Pushes(recorded.seenDelivery(), recorded.baseline(), outcomes);
    }

    /** What one ref update is: skipped (with the reason), already announced (with the reason), or a push to announce. */
    private DeliveryLog.Plan plan(WatchedRepository repository, PushedRef pushed, DeliveryLog.Announced announced,
            HostKind host, String deliveryId) {
        String ref = pushed.ref();
        RefChange change = change(ref, pushed.before(), pushed.after());
        String skipped = skipReason(repository, ref, change, pushed);
        if (skipped != null) {
            return DeliveryLog.Plan.skip(skipped);
        }
        String covered = coveredBy(repository, pushed, change, announced);
        if (covered != null) {
            LOG.infof("%s %s %s %s → %s not announced: %s (from %s)", repository.name(), change, ref,
                    abbreviate(pushed.before()), abbreviate(pushed.after()), covered, host.wireName());
            return DeliveryLog.Plan.duplicate(announced.eventId(), covered);
        }
        String[] identity = identity(repository.name(), ref, pushed.before(), pushed.after());
        String eventId = EventIds.of(EventType.COMMIT_PUSHED, identity);
        return DeliveryLog.Plan.announce(String.join("|", identity), eventId, () -> {
            List<Commit> commits = commits(repository, pushed);
            CommitPushed event = new CommitPushed(repository.name(), repository.config().kind().wireName(),
                    repository.cloneUrl(), ref, change, pushed.before(), pushed.after(), commits, pushed.pusher(),
                    deliveryId, host.wireName());
            return () -> {
                publish(EventEnvelope.startChain(event, config.source(), eventId, Instant.now()));
                LOG.infof("%s %s %s %s → %s (event %s, from %s)", repository.name(), change, ref,
                        abbreviate(pushed.before()), abbreviate(pushed.after()), eventId, host.wireName());
            };
        });
    }

    /**
     * Why a branch's new head is already announced by an earlier push, or null: for a report that does not start from
     * the ref's last announced head (a late one, e.g. a hook's retry after a restart whose poll announced a newer
     * head), its new head is an ancestor of that head, so its commits were in an announced push. (The announced head
     * itself is the log's {@code emitted} record's to answer, "already emitted".) A report that starts from the
     * announced head is a real move (a reset to an older commit included) and is announced, as is a head that is not
     * an ancestor of it (a newer head, a force push that rewrote history). The ancestry check runs in the local Git
     * cache, only for such a late report; it fetches only for a report whose commits are fetched anyway (generic hook,
     * Bitbucket Server, poll) — for one that lists its commits, a head the cache lacks counts as new.
     */
    private String coveredBy(WatchedRepository repository, PushedRef pushed, RefChange change,
            DeliveryLog.Announced announced) {
        if (announced == null || (change != RefChange.BRANCH_UPDATED && change != RefChange.BRANCH_CREATED)) {
            return null;
        }
        String head = announced.head();
        if (!pushed.after().equals(head) && !pushed.before().equals(head)
                && git.isAncestor(repository.remote(), pushed.after(), head, !pushed.commitsComplete())) {
            return "it is an ancestor of " + abbreviate(head) + ", already announced (event " + announced.eventId()
                    + ")";
        }
        return null;
    }

    /** The commits of the push: the payload's (at most {@code max-commits}, the newest), else fetched. */
    private List<Commit> commits(WatchedRepository repository, PushedRef pushed) {
        List<Commit> commits = pushed.commits();
        if (!pushed.commitsComplete() && !PushedRef.isZero(pushed.after())) {
            return git.commits(repository.remote(), pushed.ref(), pushed.before(), pushed.after(),
                    config.maxCommits());
        }
        if (commits.size() > config.maxCommits()) {
            return commits.subList(commits.size() - config.maxCommits(), commits.size());
        }
        return commits;
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
            throw new KafkaUnavailableException("interrupted while publishing " + envelope.id());
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaUnavailableException("Kafka did not acknowledge event " + envelope.id() + ": "
                    + (e.getCause() != null ? e.getCause() : e));
        } finally {
            publishTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    private void count(HostKind host, String outcome) {
        registry.counter("quayside.git-watcher.pushes", "host", host.wireName(), "outcome", outcome).increment();
    }

    private static String abbreviate(String sha) {
        return sha.length() > 12 ? sha.substring(0, 12) : sha;
    }
}
