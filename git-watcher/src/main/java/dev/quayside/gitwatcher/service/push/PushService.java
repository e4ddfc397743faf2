package dev.quayside.gitwatcher.service.push;

import dev.quayside.events.CommitPushed.Commit;
import dev.quayside.events.CommitPushed.RefChange;
import dev.quayside.events.CommitPushed;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.EventIds;
import dev.quayside.events.EventType;
import dev.quayside.gitwatcher.client.AnnouncedRanges;
import dev.quayside.gitwatcher.client.DeliveryLog;
import dev.quayside.gitwatcher.client.GitClient;
import dev.quayside.gitwatcher.client.KafkaUnavailableException;
import dev.quayside.gitwatcher.client.RefUpdatePlan;
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
    private RefUpdatePlan plan(WatchedRepository repository, PushedRef pushed, AnnouncedRanges announced,
            HostKind host, String deliveryId) {
        String ref = pushed.ref();
        RefChange change = change(ref, pushed.before(), pushed.after());
        String skipped = skipReason(repository, ref, change, pushed);
        if (skipped != null) {
            return RefUpdatePlan.skip(skipped);
        }
        AnnouncedRanges.Range covering = coveredBy(repository, pushed, change, announced);
        if (covering != null) {
            String covered = "it is inside the announced range (" + abbreviate(covering.before()) + ", "
                    + abbreviate(covering.head()) + "] (event " + covering.eventId() + ")";
            LOG.infof("%s %s %s %s → %s not announced: %s (from %s)", repository.name(), change, ref,
                    abbreviate(pushed.before()), abbreviate(pushed.after()), covered, host.wireName());
            return RefUpdatePlan.duplicate(covering.eventId(), covered);
        }
        String[] identity = identity(repository.name(), ref, pushed.before(), pushed.after());
        String eventId = EventIds.of(EventType.COMMIT_PUSHED, identity);
        return RefUpdatePlan.announce(String.join("|", identity), eventId, () -> {
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
     * The announced range a branch's new head lies inside, or null: a report of a head that an announced push already
     * carried (a late one, e.g. a hook's retry after a restart, while a poll or a retry of a newer push announced a
     * range that contains it) is a duplicate. Inside means: the range's head or an ancestor of it, and neither the
     * range's {@code before} nor an ancestor of that (a range whose {@code before} is zero, a created branch, contains
     * everything reachable from its head). So a late {@code A → B} after {@code B → C} was announced is announced: B
     * is only the {@code before} of that range. A range's head itself is the log's {@code emitted} record's to answer
     * ("already emitted"); a report that starts from a range's head is a real move (a reset to an older commit
     * included) and is announced, as is a head in no range (a newer head, a force push that rewrote history). The
     * ancestry checks run in the local Git cache, only for such a late report; they fetch only for a report whose
     * commits are fetched anyway (generic hook, Bitbucket Server, poll) — for one that lists its commits, a head the
     * cache lacks counts as new.
     */
    private AnnouncedRanges.Range coveredBy(WatchedRepository repository, PushedRef pushed, RefChange change,
            AnnouncedRanges announced) {
        if (announced == null || (change != RefChange.BRANCH_UPDATED && change != RefChange.BRANCH_CREATED)) {
            return null;
        }
        for (AnnouncedRanges.Range range : announced.ranges()) {
            if (pushed.after().equals(range.head()) || pushed.before().equals(range.head())) {
                return null;
            }
        }
        for (AnnouncedRanges.Range range : announced.ranges()) {
            if (git.inRange(repository.remote(), pushed.after(), range.before(), range.head(),
                    !pushed.commitsComplete())) {
                return range;
            }
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
