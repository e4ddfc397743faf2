package dev.quayside.configsyncer.writeback;

import dev.quayside.configsyncer.client.GitException;
import dev.quayside.configsyncer.client.GitWorkspace;
import dev.quayside.configsyncer.service.ConfigRepo;
import dev.quayside.events.ServiceRolledBack;
import dev.quayside.events.TagUpdated.FileChange;
import dev.quayside.events.TagUpdated.Outcome;
import dev.quayside.events.TagUpdated;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.jboss.logging.Logger;

/**
 * Writes an automatic rollback back into the config repository: one commit on the rolled-back definition's branch that
 * restores the file's content as of the restore commit (the last good definition) — only while the branch's file
 * still holds the failing content. The failing content is the one whose blob id the event names (what the applier
 * applied, which may be a newer commit's than the sync's when KV had moved on before the sync was handled), else the
 * file at the failed commit. A file that a newer commit changed is left alone (a human fixed it), and a file
 * that already holds the restored content is not written again (a redelivery). The commit goes through
 * {@link WriteBackService#write}: the same workspace lock and the same retry when the push is rejected.
 */
public class RollbackWriteBack {

    private static final Logger LOG = Logger.getLogger(RollbackWriteBack.class);

    /**
     * What one rollback write-back did.
     *
     * @param event  the {@link TagUpdated} to publish (UPDATED with the commit, or UNCHANGED with the reason)
     * @param pushed the commit pushed, or null
     */
    public record Result(TagUpdated event, ObjectId pushed) {
    }

    private final WriteBackService writer;

    public RollbackWriteBack(WriteBackService writer) {
        this.writer = writer;
    }

    /**
     * Restores {@code rolledBack.file()} on {@code rolledBack.branch()} of {@code repo} as of the restore commit;
     * {@code chainId} and {@code eventId} (the failed chain and the ServiceRolledBack event) go into the trailers.
     *
     * @throws WriteBackService.RefusedException when the event names no restore commit, a branch that is not
     *                                           mirrored, a file that is not a definition, or commits or files the
     *                                           repository does not have: nothing is written
     */
    public Result apply(ConfigRepo repo, ServiceRolledBack rolledBack, String chainId, String eventId)
            throws GitException {
        String file = rolledBack.file();
        Matcher definition = WriteBackService.DEFINITION.matcher(file == null ? "" : file);
        if (!definition.matches()) {
            throw new WriteBackService.RefusedException("'" + file + "' is not a definition file of " + repo.name()
                    + " (marathon/<environment>/<app>.json or chronos/...): nothing written");
        }
        if (rolledBack.branch() == null || !repo.branches().contains(rolledBack.branch())) {
            throw new WriteBackService.RefusedException("branch '" + rolledBack.branch() + "' is not a mirrored branch of "
                    + repo.name() + " " + repo.branches() + ": nothing written");
        }
        ObjectId failed = commitId(rolledBack.failedCommit(), "failed commit");
        ObjectId restore = commitId(rolledBack.restoreCommit(), "restore commit");
        List<String> imagePath = definition.group(1).equals("marathon") ? WriteBackService.MARATHON_IMAGE
                : WriteBackService.CHRONOS_IMAGE;
        Restore r = new Restore(repo, rolledBack, failed, restore, definition.group(2), imagePath, chainId, eventId);
        return writer.write(repo, ws -> attempt(ws, r));
    }

    private record Restore(ConfigRepo repo, ServiceRolledBack event, ObjectId failed, ObjectId restore,
            String environment, List<String> imagePath, String chainId, String eventId) {
        String file() {
            return event.file();
        }

        String branch() {
            return event.branch();
        }
    }

    private static ObjectId commitId(String id, String what) {
        if (id == null || id.isBlank()) {
            throw new WriteBackService.RefusedException("the rollback names no " + what
                    + ": nothing to restore, nothing written");
        }
        try {
            return ObjectId.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new WriteBackService.RefusedException("the " + what + " '" + id + "' is not a commit id: nothing written");
        }
    }

    private Result attempt(GitWorkspace ws, Restore r) throws GitException {
        ObjectId head = ws.fetch(r.branch());
        if (head == null) {
            throw new WriteBackService.RefusedException("branch " + r.branch() + " does not exist in "
                    + r.repo().name() + ": nothing written");
        }
        byte[] atFailedCommit = read(ws, r.failed(), r, "failed commit");
        byte[] good = read(ws, r.restore(), r, "restore commit");
        byte[] current = ws.readFile(head, r.file());
        if (Arrays.equals(current, good)) {
            return unchanged(r, r.file() + " already holds the definition of " + r.restore().name()
                    + ": the rollback is written back");
        }
        if (!failed(current, atFailedCommit, r)) {
            return unchanged(r, r.file() + (current == null ? " was deleted" : " was changed") + " by a newer commit since "
                    + r.failed().name() + " (a human fixed it): left as it is");
        }
        // the commit that brought the failing content: the sync's, or the newer one whose content KV already held
        ObjectId failedBy = Arrays.equals(current, atFailedCommit) ? r.failed()
                : java.util.Objects.requireNonNullElse(ws.lastChangeOf(head, r.file()), r.failed());
        String failingImage = ImageEditor.imageOf(current, r.imagePath());
        String restoredImage = ImageEditor.imageOf(good, r.imagePath());
        PersonIdent author = new PersonIdent(r.repo().authorName(), r.repo().authorEmail());
        ObjectId commit = ws.commit(head, java.util.Map.of(r.file(), good), author,
                message(r, failedBy, failingImage, restoredImage));
        if (ws.push(commit, r.branch()) != GitWorkspace.PushOutcome.PUSHED) {
            LOG.debugf("push of the rollback of %s to %s/%s rejected: re-applying on the new head", r.file(),
                    r.repo().name(), r.branch());
            throw WriteBackService.branchMoved("push of the rollback of " + r.file() + " to " + r.repo().name() + "/"
                    + r.branch());
        }
        TagUpdated tag = new TagUpdated(app(r), r.repo().name(), r.branch(), commit.name(), restoredImage,
                List.of(new FileChange(r.file(), r.environment(), failingImage, restoredImage)), Outcome.UPDATED,
                "rollback of " + failedBy.name() + " written back: " + r.file() + " restored as of "
                        + r.restore().name());
        return new Result(tag, commit);
    }

    /**
     * Whether {@code current} (the branch's file) is the definition that failed: the content whose blob id the event
     * names, or — for an event without it — the file as of the failed commit.
     */
    private static boolean failed(byte[] current, byte[] atFailedCommit, Restore r) {
        String blob = r.event().definitionBlob();
        if (current == null || blob == null || blob.isBlank()) {
            return Arrays.equals(current, atFailedCommit);
        }
        return new ObjectInserter.Formatter().idFor(Constants.OBJ_BLOB, current).name()
                .equals(blob.trim().toLowerCase(java.util.Locale.ROOT));
    }

    private static byte[] read(GitWorkspace ws, ObjectId commit, Restore r, String what) throws GitException {
        if (!ws.has(commit)) {
            throw new WriteBackService.RefusedException("the " + what + " " + commit.name() + " is not in "
                    + r.repo().name() + "/" + r.branch() + ": nothing written");
        }
        byte[] content = ws.readFile(commit, r.file());
        if (content == null) {
            throw new WriteBackService.RefusedException(r.file() + " does not exist at the " + what + " "
                    + commit.name() + " of " + r.repo().name() + ": nothing written");
        }
        return content;
    }

    private static Result unchanged(Restore r, String reason) {
        return new Result(new TagUpdated(app(r), r.repo().name(), r.branch(), null, r.event().deployment().image(),
                List.of(), Outcome.UNCHANGED, reason), null);
    }

    private static String app(Restore r) {
        return r.event().deployment() != null && r.event().deployment().app() != null ? r.event().deployment().app()
                : WriteBackService.app(r.file());
    }

    private static String message(Restore r, ObjectId failedBy, String failingImage, String restoredImage) {
        ServiceRolledBack e = r.event();
        String failing = failingImage != null ? failingImage
                : e.deployment() == null ? null : e.deployment().image();
        String check = e.healthCheck() != null ? e.healthCheck() : e.reason();
        return "Roll back " + app(r) + " in " + r.environment() + " to " + (restoredImage == null ? r.restore().name()
                : restoredImage) + "\n\n"
                + "The deployment of " + nn(failing) + " (" + r.file() + " at " + failedBy.name() + ") failed"
                + (e.healthCheck() != null ? " its health check" : "") + " and was rolled back automatically;\n"
                + "this commit restores the definition as of " + r.restore().name() + ".\n\n"
                + "Quayside-Rollback-Of: " + failedBy.name() + "\n"
                + "Quayside-Restores: " + r.restore().name() + "\n"
                + "Quayside-Chain: " + line(r.chainId()) + "\n"
                + "Quayside-Failing-Image: " + line(failing) + "\n"
                + "Quayside-Health-Check: " + line(check) + "\n"
                + "Quayside-Event: " + line(r.eventId()) + "\n";
    }

    /** A trailer's value: one line. */
    static String line(String value) {
        return value == null ? "" : value.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }

    private static String nn(String s) {
        return s == null ? "" : s;
    }
}
