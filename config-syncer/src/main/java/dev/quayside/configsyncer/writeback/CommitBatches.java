package dev.quayside.configsyncer.writeback;

import dev.quayside.configsyncer.client.GitException;
import dev.quayside.configsyncer.client.GitWorkspace;
import dev.quayside.configsyncer.service.ConfigRepo;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jgit.lib.ObjectId;
import org.jboss.logging.Logger;

/**
 * Group commit of the write-backs of one config repository: the write-backs that wait while one batch is written go
 * into the next batch together — one fetch, one commit per write-back (each with its own message and trailers, the
 * next on top of the one before), and <b>one push</b> of them all. A single write-back is not delayed (no linger: a
 * batch is whatever waited). A rejected push re-applies the whole batch on the new head (the
 * {@code push-contention} budget of {@link WriteBackService#write}). At most one write-back per app goes into a
 * batch, so two builds of one app are never decided against the same head; a write-back refused or failed alone fails
 * alone. Callers block until their own write-back is pushed (or failed), as with a write of their own.
 */
final class CommitBatches {

    private static final Logger LOG = Logger.getLogger(CommitBatches.class);
    /** The most write-backs one batch takes: bounds a push's size and the work redone when it is rejected. */
    static final int MAX_BATCH = 64;

    /** One write-back's edit on top of {@code tip}: its outcome and the commit it made (null when none). */
    record Prepared<R>(R result, ObjectId commit) {
    }

    /** Prepares one write-back on the workspace (its lock held) at {@code tip}, a commit not pushed yet maybe. */
    @FunctionalInterface
    interface Edit<R> {
        Prepared<R> on(GitWorkspace ws, ObjectId tip) throws GitException;
    }

    /** What runs for one write-back once its batch is pushed (in the batch's order, before the next batch). */
    @FunctionalInterface
    interface AfterPush<R> {
        void run(R result) throws Exception;
    }

    private record Pending<R>(String app, Edit<R> edit, AfterPush<R> after, CompletableFuture<R> done) {
    }

    /** One repository's queue, and who writes its next batch. */
    private static final class Queue {
        final LinkedList<Pending<?>> waiting = new LinkedList<>();
        final ReentrantLock writer = new ReentrantLock();
    }

    private final WriteBackService writer;
    private final Map<String, Queue> queues = new ConcurrentHashMap<>();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong pushes = new AtomicLong();

    CommitBatches(WriteBackService writer) {
        this.writer = writer;
    }

    /**
     * Writes {@code edit} (a write-back for {@code app}) in the next batch of {@code repo}, runs {@code after} (may be
     * null) with its outcome once that batch is pushed — the batch's write-backs one after another, in their commits'
     * order — and returns the outcome (or throws what {@code edit} or {@code after} threw).
     */
    <R> R submit(ConfigRepo repo, String app, Edit<R> edit, AfterPush<R> after) throws GitException {
        Queue queue = queues.computeIfAbsent(repo.name(), n -> new Queue());
        Pending<R> mine = new Pending<>(app, edit, after, new CompletableFuture<>());
        synchronized (queue) {
            queue.waiting.add(mine);
        }
        while (!mine.done().isDone()) {
            if (queue.writer.tryLock()) {
                try {
                    writeBatch(repo, queue);
                } finally {
                    queue.writer.unlock();
                    synchronized (queue) {
                        queue.notifyAll(); // a batch ended: its waiters are done, or the next batch is theirs
                    }
                }
            } else {
                try {
                    synchronized (queue) {
                        // the writer unlocks before it notifies (under this monitor): no batch's end goes unseen
                        while (!mine.done().isDone() && queue.writer.isLocked()) {
                            queue.wait();
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new GitException("interrupted while waiting for the write-back of " + app, e);
                }
            }
        }
        try {
            return mine.done().join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof GitException git) {
                throw git;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw e;
        }
    }

    /** How many write-backs of {@code repo} wait for a batch now. */
    int waiting(String repo) {
        Queue queue = queues.get(repo);
        if (queue == null) {
            return 0;
        }
        synchronized (queue) {
            return queue.waiting.size();
        }
    }

    /** How many batches were written, and how many pushes they made (for tests and metrics). */
    long batches() {
        return batches.get();
    }

    long pushes() {
        return pushes.get();
    }

    /** Takes what waits (at most one per app, in arrival order) once the workspace is locked, and writes it. */
    private void writeBatch(ConfigRepo repo, Queue queue) {
        List<Pending<?>> batch = new ArrayList<>();
        Map<Pending<?>, Object> outcomes;
        try {
            outcomes = writer.write(repo, ws -> {
                if (batch.isEmpty()) {
                    batch.addAll(take(queue));
                }
                return attempt(ws, repo, batch);
            });
        } catch (GitException | RuntimeException e) {
            if (batch.isEmpty()) {
                batch.addAll(take(queue)); // the workspace failed before the batch was taken: it fails what waits
            }
            batch.forEach(p -> p.done().completeExceptionally(e));
            return;
        }
        outcomes.forEach(CommitBatches::complete);
    }

    private static List<Pending<?>> take(Queue queue) {
        List<Pending<?>> batch = new ArrayList<>();
        Set<String> apps = new HashSet<>();
        synchronized (queue) {
            for (Iterator<Pending<?>> it = queue.waiting.iterator(); it.hasNext() && batch.size() < MAX_BATCH;) {
                Pending<?> p = it.next();
                if (apps.add(p.app())) {
                    batch.add(p);
                    it.remove();
                }
            }
        }
        return batch;
    }

    /** One fetch, each write-back's commit on the one before, one push: each write-back's outcome or failure. */
    private Map<Pending<?>, Object> attempt(GitWorkspace ws, ConfigRepo repo, List<Pending<?>> batch)
            throws GitException {
        if (batch.isEmpty()) {
            return Map.of(); // what waited was written by the batch before
        }
        ObjectId head = ws.fetch(repo.branch());
        if (head == null) {
            throw new GitException("branch " + repo.branch() + " does not exist in " + repo.name(), null);
        }
        ObjectId tip = head;
        Map<Pending<?>, Object> outcomes = new LinkedHashMap<>();
        for (Pending<?> p : batch) {
            try {
                Prepared<?> prepared = p.edit().on(ws, tip);
                if (prepared.commit() != null) {
                    tip = prepared.commit();
                }
                outcomes.put(p, prepared.result());
            } catch (GitException | RuntimeException e) {
                outcomes.put(p, e);
            }
        }
        batches.incrementAndGet();
        if (!tip.equals(head)) {
            pushes.incrementAndGet();
            if (ws.push(tip, repo.branch()) != GitWorkspace.PushOutcome.PUSHED) {
                LOG.debugf("push of a batch of %d write-back(s) to %s/%s rejected: re-applying on the new head",
                        batch.size(), repo.name(), repo.branch());
                throw WriteBackService.branchMoved("push of " + batch.size() + " write-back(s) to " + repo.name()
                        + "/" + repo.branch());
            }
        }
        if (batch.size() > 1) {
            LOG.debugf("%d write-backs to %s/%s in one push", batch.size(), repo.name(), repo.branch());
        }
        return outcomes;
    }

    @SuppressWarnings("unchecked")
    private static void complete(Pending<?> p, Object outcome) {
        if (outcome instanceof Throwable failure) {
            p.done().completeExceptionally(failure);
            return;
        }
        Pending<Object> pending = (Pending<Object>) p;
        try {
            if (pending.after() != null) {
                pending.after().run(outcome);
            }
            pending.done().complete(outcome);
        } catch (Exception | Error e) {
            pending.done().completeExceptionally(e);
        }
    }
}
