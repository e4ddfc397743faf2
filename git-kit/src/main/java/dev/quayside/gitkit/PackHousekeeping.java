package dev.quayside.gitkit;

import java.io.IOException;
import java.text.ParseException;
import java.util.concurrent.ExecutionException;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.internal.storage.file.GC;
import org.eclipse.jgit.lib.Repository;

/**
 * Keeps a service's local repository, fetched into again and again, from piling up packs. JGit stores every fetch's
 * objects as a pack of its own and, unlike C git (which runs {@code git maintenance run --auto} after a fetch), never
 * repacks by itself; every object look-up searches the packs' indexes one after another, so a clone fetched a thousand
 * times does a thousand index searches per object (a config-syncer under a steady 8 commits/s spent half its CPU there
 * after a few minutes: 105 packs in its workspace). Once a repository holds more than {@link #PACK_LIMIT} packs,
 * {@link #afterFetch} repacks it into one and deletes the packs it replaced at once, as {@code git repack -d} does.
 * <p>
 * Deleting the replaced packs at once (JGit's own GC keeps them for an hour, for other processes that may still be
 * reading or writing the repository) is safe only because the caller holds the one lock under which this process does
 * every fetch and ref update of the repository, and no other process uses it: a service's local copy is its own.
 * Unreachable loose objects are kept as JGit's GC keeps them ({@code gc.pruneExpire}, two weeks by default).
 */
public final class PackHousekeeping {

    /** More packs than this and the repository is repacked (C git's {@code gc.autoPackLimit} is 50). */
    public static final int PACK_LIMIT = 16;

    private static final System.Logger LOG = System.getLogger(PackHousekeeping.class.getName());

    private PackHousekeeping() {
    }

    /**
     * Repacks {@code repository} when it holds more than {@link #PACK_LIMIT} packs. Call it after a fetch, with the lock
     * under which every fetch and ref update of the repository happens held. A repository that is not on disk (JGit's
     * in-memory or DFS ones) is left alone.
     *
     * @return whether it was repacked
     * @throws IOException when the repack failed; the repository stays as it was (the packs are replaced only once the
     *                     new one is written)
     */
    public static boolean afterFetch(Repository repository) throws IOException {
        if (!(repository instanceof FileRepository file)) {
            return false;
        }
        int packs = file.getObjectDatabase().getPacks().size();
        if (packs <= PACK_LIMIT) {
            return false;
        }
        long started = System.nanoTime();
        GC gc = new GC(file);
        gc.setPackExpireAgeMillis(0);
        try {
            gc.gc().get();
        } catch (ParseException | GitAPIException | ExecutionException e) {
            throw new IOException("repacking " + file.getDirectory() + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while repacking " + file.getDirectory(), e);
        }
        LOG.log(System.Logger.Level.DEBUG, () -> "repacked " + file.getDirectory() + ": " + packs + " packs into "
                + file.getObjectDatabase().getPacks().size() + " in " + (System.nanoTime() - started) / 1_000_000
                + " ms");
        return true;
    }
}
