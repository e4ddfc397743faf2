package dev.quayside.configsyncer.mirror;

import dev.quayside.configsyncer.client.ConsulClient;
import dev.quayside.configsyncer.client.ConsulException;
import dev.quayside.configsyncer.client.GitClient;
import dev.quayside.configsyncer.client.GitException;
import dev.quayside.configsyncer.client.GitWorkspace;
import dev.quayside.configsyncer.client.KvOp;
import dev.quayside.configsyncer.service.ConfigRepo;
import dev.quayside.configsyncer.service.SyncSettings;
import dev.quayside.events.ConfigSynced.Outcome;
import dev.quayside.events.ConfigSynced;
import dev.quayside.kit.retry.Retrier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.jboss.logging.Logger;

/**
 * Job 2: mirrors one branch of a config repository into Consul KV with git2consul's layout. Diff-based from the commit
 * stored at the branch's ref key; a full resync when there is no ref or it is not an ancestor of the head (force push).
 * Every write goes through {@code /v1/txn} batches; the last one is guarded by the ref key's index and advances it.
 */
public class MirrorService {

    private static final Logger LOG = Logger.getLogger(MirrorService.class);
    /**
     * The key and file lists of one event together stay below this many characters, so the event fits Kafka's
     * default 1 MB record limit; past it a full resync's lists are cut (readers re-read the branch prefix).
     */
    static final int MAX_LISTED_CHARS = 700_000;
    /** Transactions sent at once when their order does not matter. */
    static final int IN_FLIGHT = 4;

    private final GitClient git;
    private final ConsulClient consul;
    private final SyncSettings settings;
    private final Retrier retry;

    public MirrorService(GitClient git, ConsulClient consul, SyncSettings settings) {
        this.git = git;
        this.consul = consul;
        this.settings = settings;
        this.retry = Retrier.of(settings.retry()).named("mirror sync")
                .retryOn(e -> e instanceof GitException || e instanceof ConsulException || e instanceof RefMoved)
                .onFailedAttempt(attempt -> LOG.warn(attempt.describe()))
                .onGiveUp((failure, attempts) -> failure instanceof TerminalSyncException ? failure
                        : new GaveUp("gave up after " + attempts + " attempts: " + failure.getMessage(), failure))
                .build();
    }

    /** A sync that cannot succeed by retrying (a value over Consul's limit, a rolled-back operation). */
    static final class TerminalSyncException extends Exception {
        TerminalSyncException(String message) {
            super(message);
        }
    }

    /**
     * Brings {@code branch} of {@code repo} into Consul. Git and Consul failures are retried as
     * {@link SyncSettings#retry()} says (each attempt starts again from the stored ref); the sync is reported FAILED
     * when the retries or their budget are used up, or at once for a failure retrying cannot fix.
     *
     * @return the {@link ConfigSynced} to publish (SYNCED or FAILED), or empty when Consul already had the head
     */
    public Optional<ConfigSynced> sync(ConfigRepo repo, String branch) {
        return sync(repo, branch, null);
    }

    /**
     * {@link #sync(ConfigRepo, String)}, recording {@code chainId} (the chain of the event that caused it, or null) in
     * the branch's {@link SyncRecord}, written with the ref, as not yet announced: call {@link #announced} once the
     * returned event is published.
     */
    public Optional<ConfigSynced> sync(ConfigRepo repo, String branch, String chainId) {
        return sync(repo, branch, chainId, null);
    }

    /**
     * {@link #sync(ConfigRepo, String, String)} up to {@code upTo}, a commit of the branch (null: its head): a batch of
     * write-backs pushed together is mirrored one commit at a time, each in its own chain. Empty also when Consul already
     * has {@code upTo} or a commit after it.
     */
    public Optional<ConfigSynced> sync(ConfigRepo repo, String branch, String chainId, ObjectId upTo) {
        GitWorkspace ws = git.workspace(repo.name(), repo.cloneUrl(), repo.username(), repo.password());
        Attempt progress = new Attempt();
        ws.lock().lock();
        try {
            Attempt result = retry.call(() -> attempt(ws, repo, branch, chainId, upTo, progress));
            return result.current ? Optional.empty() : Optional.of(result.event);
        } catch (GaveUp e) {
            return Optional.of(failed(repo, branch, progress.from, progress.to, e.getMessage()));
        } catch (Retrier.RetryFailedException e) {
            Throwable cause = e.getCause();
            String reason = cause instanceof TerminalSyncException ? cause.getMessage()
                    : "gave up after 1 attempt: " + cause.getMessage();
            return Optional.of(failed(repo, branch, progress.from, progress.to, reason));
        } catch (RefMoved e) {
            return Optional.of(failed(repo, branch, progress.from, progress.to, "gave up after 1 attempt: "
                    + e.getMessage()));
        } finally {
            ws.lock().unlock();
        }
    }

    /** One attempt: fetch the branch and write what changed since the stored ref. */
    private Attempt attempt(GitWorkspace ws, ConfigRepo repo, String branch, String chainId, ObjectId upTo,
            Attempt progress) throws GitException, ConsulException, TerminalSyncException {
        Attempt a = new Attempt();
        ObjectId head = null;
        ObjectId target = null;
        if (upTo != null && ws.has(upTo)) { // a write-back just pushed it: the branch as pushed, without a fetch
            ObjectId pushed = ws.fetched(Constants.R_HEADS + branch);
            if (pushed != null && ws.isAncestor(upTo, pushed)) {
                head = pushed;
                target = upTo;
            }
        }
        if (head == null) {
            head = ws.fetch(branch);
            if (head == null) {
                a.event = failed(repo, branch, null, null, "branch " + branch + " does not exist");
                return a;
            }
            // a commit of the branch's history, else (a rewritten branch) its head
            target = upTo != null && ws.has(upTo) && ws.isAncestor(upTo, head) ? upTo : head;
        }
        progress.to = target.name();
        try {
            attempt(ws, repo, branch, target, chainId, target.equals(upTo), a);
        } finally {
            progress.from = a.from;
        }
        return a;
    }

    /** Another syncer moved the ref while this one wrote: the attempt starts again from the new ref. */
    private static final class RefMoved extends RuntimeException {
        RefMoved(String message) {
            super(message);
        }
    }

    /** The retries, or their budget, are used up: the sync is FAILED with this message. */
    private static final class GaveUp extends RuntimeException {
        GaveUp(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final class Attempt {
        boolean current;
        String from;
        String to;
        ConfigSynced event;
    }

    /** One attempt up to {@code head}; {@code notBeyond}: a commit Consul already has after it is not rewound. */
    private void attempt(GitWorkspace ws, ConfigRepo repo, String branch, ObjectId head, String chainId,
            boolean notBeyond, Attempt a) throws GitException, ConsulException, TerminalSyncException {
        KeyLayout layout = repo.layout();
        String refKey = layout.refKey(branch);
        long started = System.nanoTime();
        Optional<ConsulClient.Entry> ref = consul.get(refKey);
        ObjectId from = ref.map(e -> parseId(e.value())).orElse(null);
        a.from = from == null ? null : from.name();
        if (from != null && (from.equals(head) || notBeyond && ws.has(from) && ws.isAncestor(head, from))) {
            a.current = true;
            return;
        }
        boolean full = from == null || !ws.has(from) || !ws.isAncestor(from, head);
        Properties common = KvChanges.commonProperties(ws, repo, head);
        KvChanges changes = full ? fullResync(ws, repo, branch, head, common)
                : KvChanges.diff(ws, repo, branch, from, head, common);
        // the write-back branch's quayside.yml says which apps are suspended where: its keys commit with the ref
        Suspensions.Plan suspensions = branch.equals(repo.branch())
                ? Suspensions.plan(ws, consul, settings.suspendedPrefix(), head) : Suspensions.Plan.NONE;
        if (!suspensions.resumed().isEmpty()) { // resumed: what Git holds now is applied
            changes.addAll(KvChanges.ofFiles(ws, repo, branch, head, suspensions.resumed(), common));
        }

        List<KvOp> ops = new ArrayList<>(changes.deletes);
        for (Map.Entry<String, byte[]> put : changes.puts.entrySet()) {
            if (put.getValue().length > settings.maxValueBytes()) {
                throw new TerminalSyncException("value of " + put.getKey() + " is " + put.getValue().length
                        + " bytes, over Consul's limit of " + settings.maxValueBytes() + " bytes: nothing written");
            }
            ops.add(KvOp.set(put.getKey(), put.getValue()));
        }
        KvOp guard = ref.isPresent() ? KvOp.checkIndex(refKey, ref.get().modifyIndex()) : KvOp.checkNotExists(refKey);
        // the ref and the record of this sync (not yet announced) commit together, in the last transaction
        SyncRecord record = new SyncRecord(head.name(), a.from, full, false, chainId, System.currentTimeMillis());
        List<KvOp> finals = new ArrayList<>(List.of(KvOp.set(refKey, head.name()),
                KvOp.set(layout.syncKey(branch), record.toJson())));
        if (finals.size() + suspensions.ops().size() + 2 <= settings.txnMaxOperations()) {
            finals.addAll(0, suspensions.ops());
        } else { // more than a transaction holds: written before the ref, idempotent like every other write
            LOG.warnf("%d suspension changes do not fit the last transaction of %s/%s: written in earlier ones",
                    suspensions.ops().size(), repo.name(), branch);
            ops.addAll(suspensions.ops());
        }
        TxnPlanner.Plan plan = TxnPlanner.plan(ops, guard, finals, settings.txnMaxOperations(), settings.txnMaxBytes());
        for (KvOp big : plan.oversized()) {
            consul.put(big.key(), big.value());
        }
        long planned = System.nanoTime();
        long index = 0;
        List<List<KvOp>> batches = plan.batches();
        // batches before the last travel IN_FLIGHT at a time when no two operations touch the same keys, else in order
        List<List<KvOp>> before = batches.subList(0, batches.size() - 1);
        List<ConsulClient.TxnOutcome> outcomes = consul.txnAll(before, changes.independent() ? IN_FLIGHT : 1);
        for (int j = 0; j < outcomes.size(); j++) {
            ConsulClient.TxnOutcome outcome = outcomes.get(j);
            if (outcome != null && !outcome.committed()) {
                throw new TerminalSyncException("Consul rolled back transaction " + (j + 1) + " of "
                        + batches.size() + ": " + outcome.errors());
            }
            index = outcome == null ? index : Math.max(index, outcome.index());
        }
        ConsulClient.TxnOutcome last = consul.txn(batches.get(batches.size() - 1));
        if (!last.committed()) {
            if (last.errors().stream().anyMatch(e -> e.startsWith("operation 0 "))) {
                throw new RefMoved("the ref " + refKey + " moved during the sync (another syncer): " + last.errors());
            }
            throw new TerminalSyncException("Consul rolled back transaction " + batches.size() + " of "
                    + batches.size() + ": " + last.errors());
        }
        index = Math.max(index, last.index());
        List<String> deleted = new ArrayList<>(changes.deletes.stream().map(KvOp::key).toList());
        List<String> put = new ArrayList<>(changes.puts.keySet());
        for (KvOp op : suspensions.ops()) {
            (op.verb() == KvOp.Verb.SET ? put : deleted).add(op.key());
        }
        int[] budget = {MAX_LISTED_CHARS};
        a.event = new ConfigSynced(repo.name(), branch, a.from, head.name(),
                cap(put, budget), cap(deleted, budget), cap(changes.files, budget),
                index, full, changes.invalid, changes.skipped, Outcome.SYNCED, null);
        long done = System.nanoTime();
        LOG.infof("synced %s/%s %s..%s: %d put, %d deleted in %d transaction(s)%s (read and plan %d ms, write %d ms)",
                repo.name(), branch,
                a.from == null ? "(none)" : a.from.substring(0, 7), head.name().substring(0, 7), changes.puts.size(),
                deleted.size(), plan.batches().size(), full ? " (full resync)" : "", (planned - started) / 1_000_000,
                (done - planned) / 1_000_000);
    }

    /**
     * A sync of {@code branch} that Consul has (its ref is the record's commit) but that was never announced: its
     * {@link ConfigSynced}, rebuilt from Git (the keys of the diff from the commit synced before; every file of the
     * commit after a full resync, whose deletions are not known any more), and the chain that caused it. Empty when
     * the last sync was announced, or there is no record.
     *
     * @param olderThan only a sync written at least this long ago (a sync just written may be being announced)
     */
    public Optional<Unannounced> unannounced(ConfigRepo repo, String branch, Duration olderThan)
            throws ConsulException, GitException {
        KeyLayout layout = repo.layout();
        Optional<ConsulClient.Entry> entry = consul.get(layout.syncKey(branch));
        SyncRecord record = entry.map(e -> SyncRecord.parse(e.value())).orElse(null);
        if (record == null || record.announced()
                || System.currentTimeMillis() - record.syncedAt() < olderThan.toMillis()) {
            return Optional.empty();
        }
        Optional<ConsulClient.Entry> ref = consul.get(layout.refKey(branch));
        if (ref.isEmpty() || !record.commit().equals(ref.get().value().trim())) {
            return Optional.empty(); // a later sync moved the ref without its record: that one is what counts
        }
        GitWorkspace ws = git.workspace(repo.name(), repo.cloneUrl(), repo.username(), repo.password());
        ws.lock().lock();
        try {
            ObjectId commit = ObjectId.fromString(record.commit());
            if (!ws.has(commit)) {
                ws.fetch(branch);
            }
            KvChanges changes = new KvChanges();
            boolean full = record.fullResync();
            if (ws.has(commit)) {
                Properties common = KvChanges.commonProperties(ws, repo, commit);
                ObjectId from = parseId(record.from());
                if (!full && from != null && ws.has(from) && ws.isAncestor(from, commit)) {
                    changes = KvChanges.diff(ws, repo, branch, from, commit, common);
                    if (branch.equals(repo.branch())) {
                        changes.addAll(KvChanges.ofFiles(ws, repo, branch, commit,
                                Suspensions.resumedBetween(ws, from, commit), common));
                    }
                } else {
                    full = true;
                    changes = KvChanges.files(ws, repo, branch, commit, common);
                }
            } else {
                full = true; // the commit is gone from the remote: readers re-read the branch prefix
            }
            int[] budget = {MAX_LISTED_CHARS};
            ConfigSynced event = new ConfigSynced(repo.name(), branch, record.from(), record.commit(),
                    cap(new ArrayList<>(changes.puts.keySet()), budget),
                    cap(changes.deletes.stream().map(KvOp::key).toList(), budget), cap(changes.files, budget),
                    ref.get().modifyIndex(), full, changes.invalid, changes.skipped, Outcome.SYNCED, null);
            return Optional.of(new Unannounced(event, record.chainId()));
        } finally {
            ws.lock().unlock();
        }
    }

    /**
     * The sync that brought {@code paths} into Consul, for chain {@code chainId} to announce when another chain's sync
     * (or the reconcile's) brought them there. A write-back's commit is mirrored by whichever path reaches Consul first:
     * the write-back's own, or the config repository's push notification of that commit, in a chain of its own. The
     * chain that wrote the commit must still hear that its definitions are in Consul, so that marathon-applier deploys
     * them (or follows their deployment) in that chain. The event lists only the keys of {@code paths}, as the commit
     * Consul holds has them, with the commits of the sync that brought it ({@code fromCommit} as that sync recorded it).
     *
     * @return empty when the last sync recorded was {@code chainId}'s own (it was, or is being, announced there), or
     *         Consul holds no commit of the branch
     */
    public Optional<ConfigSynced> syncedElsewhere(ConfigRepo repo, String branch, List<String> paths, String chainId)
            throws ConsulException, GitException {
        KeyLayout layout = repo.layout();
        SyncRecord record = consul.get(layout.syncKey(branch)).map(e -> SyncRecord.parse(e.value())).orElse(null);
        Optional<ConsulClient.Entry> ref = consul.get(layout.refKey(branch));
        ObjectId commit = ref.map(e -> parseId(e.value())).orElse(null);
        if ((record != null && chainId.equals(record.chainId())) || commit == null || paths.isEmpty()
                || announcedChains(repo, branch).contains(chainId)) {
            return Optional.empty();
        }
        GitWorkspace ws = git.workspace(repo.name(), repo.cloneUrl(), repo.username(), repo.password());
        ws.lock().lock();
        try {
            if (!ws.has(commit)) {
                ws.fetch(branch);
            }
            if (!ws.has(commit)) {
                return Optional.empty(); // gone from the remote (a force push): its own sync is on its way
            }
            KvChanges changes = KvChanges.ofFiles(ws, repo, branch, commit, paths,
                    KvChanges.commonProperties(ws, repo, commit));
            String from = record != null && record.commit().equals(commit.name()) ? record.from() : null;
            return Optional.of(new ConfigSynced(repo.name(), branch, from, commit.name(),
                    new ArrayList<>(changes.puts.keySet()), List.of(), changes.files, ref.get().modifyIndex(), false,
                    changes.invalid, changes.skipped, Outcome.SYNCED, null));
        } finally {
            ws.lock().unlock();
        }
    }

    /**
     * How {@code sync} is announced: one {@link ConfigSynced} per app whose definitions it changed (that app's keys and
     * files alone, keyed by the app), and one without an app for everything else, keyed by the branch — or {@code sync}
     * itself when it changed no app's definition or FAILED. The same sync always gives the same list.
     */
    public List<ConfigSynced> announcements(ConfigRepo repo, ConfigSynced sync) {
        return new AppAnnouncements(repo.layout(), settings.suspendedPrefix()).of(sync);
    }

    /** A sync Consul has but nobody was told about, and the chain it belongs to (null for none). */
    public record Unannounced(ConfigSynced event, String chainId) {
    }

    /**
     * Records that the sync of {@code commit} to {@code branch} was announced, unless a later sync replaced its record,
     * and adds its chain to the branch's {@link AnnouncedChains}, in one transaction. A failure is logged: the sync is
     * then announced again later (a duplicate with the same event id).
     */
    public void announced(ConfigRepo repo, String branch, String commit) {
        announced(repo, branch, commit, null);
    }

    /**
     * {@link #announced(ConfigRepo, String, String)} of a sync made in chain {@code chainId}: when a later sync
     * replaced its record already (the next write-back of the same push), the chain is still recorded as told, so that
     * a redelivery does not announce its definitions again.
     */
    public void announced(ConfigRepo repo, String branch, String commit, String chainId) {
        String key = repo.layout().syncKey(branch);
        try {
            Optional<ConsulClient.Entry> entry = consul.get(key);
            SyncRecord record = entry.map(e -> SyncRecord.parse(e.value())).orElse(null);
            if (record != null && !record.commit().equals(commit) && chainId != null) {
                announcedInChain(repo, branch, chainId);
                return;
            }
            if (record == null || record.announced() || !record.commit().equals(commit)) {
                return;
            }
            List<KvOp> ops = new ArrayList<>(List.of(KvOp.checkIndex(key, entry.get().modifyIndex()),
                    KvOp.set(key, record.markAnnounced().toJson())));
            if (record.chainId() != null) {
                ops.addAll(addChain(repo, branch, record.chainId()));
            }
            ConsulClient.TxnOutcome outcome = consul.txn(ops);
            if (!outcome.committed()) {
                LOG.debugf("%s changed while marking %s announced: %s", key, commit, outcome.errors());
            }
        } catch (ConsulException e) {
            LOG.warnf("could not record that the sync of %s/%s@%s was announced (it will be announced again): %s",
                    repo.name(), branch, commit, e.getMessage());
        }
    }

    /**
     * Records that chain {@code chainId} was told its definitions of {@code branch} are in Consul (a sync announced in
     * it that was not the branch's last, {@link #syncedElsewhere}), so that a redelivery of its event announces
     * nothing more. A failure is logged: a redelivery then announces it again, with the same event id.
     */
    public void announcedInChain(ConfigRepo repo, String branch, String chainId) {
        try {
            ConsulClient.TxnOutcome outcome = consul.txn(addChain(repo, branch, chainId));
            if (!outcome.committed()) {
                LOG.debugf("the chains announced for %s/%s changed while adding %s: %s", repo.name(), branch, chainId,
                        outcome.errors());
            }
        } catch (ConsulException e) {
            LOG.warnf("could not record that chain %s heard of %s/%s (a redelivery announces it again): %s", chainId,
                    repo.name(), branch, e.getMessage());
        }
    }

    /** The operations that add {@code chainId} to the branch's announced chains, guarded by the list's index. */
    private List<KvOp> addChain(ConfigRepo repo, String branch, String chainId) throws ConsulException {
        String key = repo.layout().announcedChainsKey(branch);
        Optional<ConsulClient.Entry> entry = consul.get(key);
        AnnouncedChains chains = entry.map(e -> AnnouncedChains.parse(e.value())).orElse(AnnouncedChains.NONE);
        return List.of(entry.isPresent() ? KvOp.checkIndex(key, entry.get().modifyIndex()) : KvOp.checkNotExists(key),
                KvOp.set(key, chains.with(chainId).toJson()));
    }

    private AnnouncedChains announcedChains(ConfigRepo repo, String branch) throws ConsulException {
        return consul.get(repo.layout().announcedChainsKey(branch)).map(e -> AnnouncedChains.parse(e.value()))
                .orElse(AnnouncedChains.NONE);
    }

    /** The commit Consul's ref key of {@code branch} holds, or null. */
    public String syncedCommit(ConfigRepo repo, String branch) throws ConsulException {
        return consul.get(repo.layout().refKey(branch)).map(e -> e.value().trim()).orElse(null);
    }

    private KvChanges fullResync(GitWorkspace ws, ConfigRepo repo, String branch, ObjectId head, Properties common)
            throws GitException, ConsulException {
        KeyLayout layout = repo.layout();
        KvChanges changes = KvChanges.files(ws, repo, branch, head, common);
        String prefix = layout.branchPrefix(branch);
        if (prefix.isEmpty()) {
            LOG.warnf("%s/%s has no key prefix (no mountpoint, repo or branch name): a full resync deletes nothing",
                    repo.name(), branch);
            return changes;
        }
        Set<String> keep = new LinkedHashSet<>(changes.puts.keySet());
        for (String b : repo.branches()) {
            keep.addAll(layout.bookkeepingKeys(b));
        }
        keep.addAll(layout.bookkeepingKeys(branch));
        for (String existing : consul.keys(prefix)) {
            if (!keep.contains(existing)) {
                changes.deletes.add(KvOp.delete(existing));
            }
        }
        return changes;
    }

    private static List<String> cap(List<String> list, int[] budget) {
        int n = 0;
        while (n < list.size() && budget[0] - list.get(n).length() - 3 >= 0) {
            budget[0] -= list.get(n).length() + 3;
            n++;
        }
        if (n < list.size()) {
            LOG.warnf("event lists cut at %d of %d entries to fit one Kafka record", n, list.size());
        }
        return n == list.size() ? list : List.copyOf(list.subList(0, n));
    }

    private static ObjectId parseId(String value) {
        try {
            return value == null ? null : ObjectId.fromString(value.trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static ConfigSynced failed(ConfigRepo repo, String branch, String from, String to, String reason) {
        return new ConfigSynced(repo.name(), branch, from, to, List.of(), List.of(), List.of(), 0, false, List.of(),
                List.of(), Outcome.FAILED, reason);
    }
}
