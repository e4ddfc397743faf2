package dev.quayside.configsyncer.writeback;

import dev.quayside.configsyncer.client.ConsulException;
import dev.quayside.configsyncer.client.GitException;
import dev.quayside.configsyncer.client.GitWorkspace;
import dev.quayside.configsyncer.policy.Policies;
import dev.quayside.configsyncer.policy.PolicyFiles;
import dev.quayside.configsyncer.service.ConfigRepo;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;

/**
 * What a person asks of one app in one environment, each done as one commit in the config repository (Git stays what
 * runs; nothing is changed behind its back): <b>suspend</b> its automation (a {@code .quayside/suspended/} file,
 * {@link PolicyFiles}), <b>resume</b> it (that file deleted) and <b>roll back</b> its definition to an earlier version
 * (the file's content as of an earlier commit). Each goes through {@link WriteBackService#write}: the workspace lock,
 * and on a rejected push the fetch, re-check and re-apply every write-back gets.
 */
public class AppActions {

    /** {@code marathon/<environment>/.../<app>.json}, {@code chronos/...}: what {@link WriteBackService} edits. */
    private static final Pattern DEFINITION = WriteBackService.DEFINITION;
    /** An app or environment name that is safe in a path: a definition's file name or folder. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    /** How many changes of a definition a rollback looks back through for the version asked for. */
    static final int HISTORY = 100;
    static final String ACTION_TRAILER = "Quayside-Action";
    static final String BY_TRAILER = "Quayside-Requested-By";
    static final String RESTORES_TRAILER = "Quayside-Restores";

    /** Why an action was refused: nothing was written. */
    public enum Refusal { BAD_REQUEST, NOT_FOUND, CONFLICT }

    /** An action refused before anything was written, with why in one line. */
    public static final class RefusedException extends IllegalArgumentException {
        private final Refusal refusal;

        public RefusedException(Refusal refusal, String message) {
            super(message);
            this.refusal = refusal;
        }

        public Refusal refusal() {
            return refusal;
        }
    }

    /**
     * What an action did.
     *
     * @param commit       the commit pushed, or null when nothing had to be written (already suspended)
     * @param file         the file written or deleted
     * @param fromImage    a rollback: the image the definition held, else null
     * @param toImage      a rollback: the image it holds now, else null
     * @param restoredFrom a rollback: the commit whose version of the definition was restored, else null
     * @param message      what happened, in one line
     */
    public record Done(String repository, String app, String environment, String action, ObjectId commit, String file,
            String fromImage, String toImage, ObjectId restoredFrom, String message) {
    }

    /** Who asked and why (either may be null). */
    public record Request(String app, String environment, String by, String reason) {
    }

    private final WriteBackService writer;
    private final HeldBuilds held;
    private final Clock clock;

    public AppActions(WriteBackService writer, HeldBuilds held, Clock clock) {
        this.writer = writer;
        this.held = held;
        this.clock = clock;
    }

    /** Refuses a name that could not be an app's or an environment's (before anything is looked up). */
    public static void checkNames(String app, String environment) {
        for (String[] name : new String[][] {{"app", app}, {"environment", environment}}) {
            if (name[1] == null || !NAME.matcher(name[1]).matches()) {
                throw new RefusedException(Refusal.BAD_REQUEST, "'" + Policies.printable(String.valueOf(name[1]))
                        + "' is not an " + name[0] + " name (letters, digits, '.', '_' and '-', at most 128)");
            }
        }
    }

    /** The definitions of {@code app} in {@code environment} at the head of {@code repo}'s branch (none: empty). */
    public List<String> definitions(ConfigRepo repo, String app, String environment) throws GitException {
        checkNames(app, environment);
        return writer.write(repo, ws -> {
            ObjectId head = ws.fetch(repo.branch());
            return head == null ? List.of() : definitions(ws, head, app, environment);
        });
    }

    /**
     * One suspended app in one environment.
     *
     * @param declaredIn {@code quayside.yml}, or the suspension file made through the API
     * @param by         who asked (a suspension file's), or null
     * @param reason     why (a suspension file's), or null
     * @param since      since when (a suspension file's), or null
     * @param commit     the commit that wrote the suspension file, or null for {@code quayside.yml}
     */
    public record Suspended(String repository, String app, String environment, String declaredIn, String by,
            String reason, Instant since, ObjectId commit) {
    }

    /**
     * The apps suspended at the head of {@code repo}'s branch, by environment then app: {@code quayside.yml}'s lists
     * (when it parses) and the suspension files.
     */
    public List<Suspended> suspensions(ConfigRepo repo) throws GitException {
        return writer.write(repo, ws -> {
            ObjectId head = ws.fetch(repo.branch());
            if (head == null) {
                return List.of();
            }
            Map<String, Suspended> found = new TreeMap<>();
            for (PolicyFiles.Suspension s : PolicyFiles.suspensions(ws, head)) {
                found.put(s.environment() + "/" + s.app(), new Suspended(repo.name(), s.app(), s.environment(),
                        s.path(), s.by(), s.reason(), s.since(), ws.lastChangeOf(head, s.path())));
            }
            try {
                PolicyFiles.declared(ws, head).suspensions().forEach((env, apps) -> apps.forEach(app -> {
                    Suspended file = found.get(env + "/" + app);
                    found.put(env + "/" + app, new Suspended(repo.name(), app, env, Policies.FILE,
                            file == null ? null : file.by(), file == null ? null : file.reason(),
                            file == null ? null : file.since(), null));
                }));
            } catch (IllegalArgumentException e) {
                // quayside.yml is refused: its suspensions hold as Consul has them; the files are listed alone
            }
            return List.copyOf(found.values());
        });
    }

    /** Suspends {@code r.app()} in {@code r.environment()}: writes its suspension file (nothing when suspended). */
    public Done suspend(ConfigRepo repo, Request r) throws GitException {
        checkNames(r.app(), r.environment());
        return writer.write(repo, ws -> {
            ObjectId head = head(ws, repo);
            defined(ws, head, repo, r);
            Policies policies = policies(ws, head, "a suspension would not take effect");
            String file = PolicyFiles.suspensionFile(r.environment(), r.app());
            if (policies.suspended(r.app(), r.environment())) {
                boolean declared = ws.readFile(head, file) == null; // suspended by quayside.yml's list
                return new Done(repo.name(), r.app(), r.environment(), "suspend", null, declared ? Policies.FILE : file,
                        null, null, null, r.app() + " is already suspended in " + r.environment() + " ("
                                + (declared ? Policies.FILE : file) + "): nothing written");
            }
            byte[] content = PolicyFiles.suspensionContent(r.environment(), r.app(), r.by(), r.reason(), clock.instant());
            ObjectId commit = push(ws, repo, head, Map.of(file, content), "Suspend " + r.app() + " in "
                    + r.environment(), r, "suspend", List.of());
            return new Done(repo.name(), r.app(), r.environment(), "suspend", commit, file, null, null, null,
                    r.app() + " suspended in " + r.environment() + ": neither updated nor applied there until resumed");
        });
    }

    /** Resumes {@code r.app()} in {@code r.environment()}: deletes its suspension file. */
    public Done resume(ConfigRepo repo, Request r) throws GitException {
        checkNames(r.app(), r.environment());
        return writer.write(repo, ws -> {
            ObjectId head = head(ws, repo);
            Policies declared = declared(ws, head, "the app would stay suspended");
            if (declared.suspended(r.app(), r.environment())) {
                throw new RefusedException(Refusal.CONFLICT, r.app() + " is suspended in " + r.environment() + " by "
                        + Policies.FILE + " (environments." + r.environment() + ".suspended): remove it from that"
                        + " list to resume it; nothing written");
            }
            String file = PolicyFiles.suspensionFile(r.environment(), r.app());
            if (ws.readFile(head, file) == null) {
                throw new RefusedException(Refusal.NOT_FOUND, r.app() + " is not suspended in " + r.environment()
                        + " in " + repo.name() + ": nothing written");
            }
            Map<String, byte[]> changes = new HashMap<>();
            changes.put(file, null);
            CatchUp catchUp = catchUp(ws, head, r);
            List<String> trailers = new ArrayList<>();
            if (catchUp.pinned() != null) {
                changes.put(catchUp.file(), catchUp.content());
                trailers.add(WriteBackService.SOURCE_TRAILER + ": " + catchUp.pinned().repository() + "@"
                        + catchUp.pinned().commit());
            }
            ObjectId commit = push(ws, repo, head, changes, "Resume " + r.app() + " in " + r.environment()
                    + (catchUp.pinned() == null ? "" : " at " + catchUp.pinned().image()), r, "resume", trailers);
            held.resumed(r.app(), r.environment(), catchUp.pinned());
            return new Done(repo.name(), r.app(), r.environment(), "resume", commit, file, catchUp.fromImage(),
                    catchUp.pinned() == null ? null : catchUp.pinned().image(), null, r.app() + " resumed in "
                            + r.environment() + (catchUp.pinned() == null ? ": what Git holds for it there is applied"
                                    : ": the newest build it followed while suspended, " + catchUp.pinned().image()
                                            + ", is pinned") + catchUp.note());
        });
    }

    /**
     * Rolls {@code r.app()}'s definition in {@code r.environment()} back to an earlier version: {@code to} is a commit
     * of the branch (its version of the definition), an image or an image tag (the newest earlier version that ran
     * it), or null for the version before the definition's last change.
     */
    public Done rollback(ConfigRepo repo, Request r, String to) throws GitException {
        checkNames(r.app(), r.environment());
        return writer.write(repo, ws -> {
            ObjectId head = head(ws, repo);
            String file = defined(ws, head, repo, r);
            if (policies(ws, head, "a rollback would not be applied").suspended(r.app(), r.environment())) {
                throw new RefusedException(Refusal.CONFLICT, r.app() + " is suspended in " + r.environment()
                        + ": a rollback would not be applied; resume it first (nothing written)");
            }
            byte[] current = ws.readFile(head, file);
            List<String> imagePath = imagePath(file);
            String running = ImageEditor.imageOf(current, imagePath);
            if (to != null && runs(running, to)) {
                throw new RefusedException(Refusal.CONFLICT, file + " already runs " + running + ": nothing written");
            }
            Version version = version(ws, head, file, current, to, imagePath);
            if (Arrays.equals(version.content(), current)) {
                throw new RefusedException(Refusal.CONFLICT, file + " already holds the version of "
                        + version.commit().name() + ": nothing written");
            }
            String toImage = ImageEditor.imageOf(version.content(), imagePath);
            ObjectId commit = push(ws, repo, head, Map.of(file, version.content()), "Roll back " + r.app() + " in "
                    + r.environment() + " to " + (toImage != null ? toImage : version.commit().name()), r, "rollback",
                    List.of(RESTORES_TRAILER + ": " + version.commit().name()));
            return new Done(repo.name(), r.app(), r.environment(), "rollback", commit, file, running, toImage,
                    version.commit(), file + " restored as of " + version.commit().name() + " ("
                            + (toImage == null ? "no image" : toImage) + ")");
        });
    }

    /**
     * What a resume pins besides deleting the suspension: the newest build held while the app was suspended, when it
     * is newer than what the definition pins ({@link HeldBuilds}).
     *
     * @param pinned the held build pinned, or null
     * @param note   why nothing was pinned when a build was held ("" otherwise)
     */
    private record CatchUp(PinnedSource pinned, String file, byte[] content, String fromImage, String note) {
        static final CatchUp NONE = new CatchUp(null, null, null, null, "");
    }

    private CatchUp catchUp(GitWorkspace ws, ObjectId head, Request r) throws GitException {
        Optional<PinnedSource> build;
        try {
            build = held.held(r.app(), r.environment());
            if (build.isEmpty()) {
                return CatchUp.NONE;
            }
            List<String> files = definitions(ws, head, r.app(), r.environment());
            if (files.size() != 1) {
                return new CatchUp(null, null, null, null, " (" + build.get().image() + ", held while suspended, is"
                        + " not pinned: " + files.size() + " definitions)");
            }
            String file = files.get(0);
            String text = WriteBackService.utf8(ws.readFile(head, file));
            Optional<ImageEditor.Located> image = text == null ? Optional.empty()
                    : ImageEditor.locate(text, imagePath(file));
            if (image.isEmpty() || !held.newer(build.get(), r.app(), r.environment(), image.get().value())) {
                return new CatchUp(null, null, null, null, " (" + build.get().image() + ", held while suspended, is"
                        + " not newer than what " + file + " pins)");
            }
            return new CatchUp(build.get(), file, ImageEditor.replace(text, image.get(), build.get().image())
                    .getBytes(StandardCharsets.UTF_8), image.get().value(), "");
        } catch (ConsulException e) {
            return new CatchUp(null, null, null, null, " (the builds held while suspended could not be read: "
                    + e.getMessage() + ")");
        } catch (ImageEditor.InvalidJsonException e) {
            return new CatchUp(null, null, null, null, " (the definition is not valid JSON: no held build pinned)");
        }
    }

    /** One version of a definition: the commit that wrote it and its content. */
    private record Version(ObjectId commit, byte[] content) {
    }

    private static Version version(GitWorkspace ws, ObjectId head, String file, byte[] current, String to,
            List<String> imagePath) throws GitException {
        if (to != null && to.matches("[0-9a-fA-F]{7,40}")) {
            ObjectId commit = ws.resolveCommit(to);
            if (commit != null) {
                if (!ws.isAncestor(commit, head)) {
                    throw new RefusedException(Refusal.NOT_FOUND, "commit " + to + " is not in the history of the"
                            + " branch: nothing written");
                }
                byte[] content = ws.readFile(commit, file);
                if (content == null) {
                    throw new RefusedException(Refusal.NOT_FOUND, file + " did not exist at " + commit.name()
                            + ": nothing written");
                }
                return new Version(commit, content);
            }
        }
        for (GitWorkspace.Stamped change : ws.history(head, file, HISTORY)) {
            byte[] content = ws.readFile(change.commit(), file);
            if (content == null || Arrays.equals(content, current)) {
                continue; // the current version, or the file's deletion
            }
            if (to == null || runs(ImageEditor.imageOf(content, imagePath), to)) {
                return new Version(change.commit(), content);
            }
        }
        throw new RefusedException(Refusal.NOT_FOUND, to == null
                ? file + " has no earlier version in its last " + HISTORY + " changes: nothing written"
                : "no earlier version of " + file + " in its last " + HISTORY + " changes runs '"
                        + Policies.printable(to) + "' (a commit of the branch, an image or an image tag):"
                        + " nothing written");
    }

    /** Whether {@code image} is {@code to}: the whole reference, its tag, or its digest. */
    static boolean runs(String image, String to) {
        if (image == null) {
            return false;
        }
        if (image.equals(to)) {
            return true;
        }
        int at = image.indexOf('@');
        String named = at < 0 ? image : image.substring(0, at);
        if (at >= 0 && image.substring(at + 1).equals(to)) {
            return true;
        }
        int colon = named.lastIndexOf(':');
        return colon > named.lastIndexOf('/') && (named.substring(colon + 1).equals(to) || named.equals(to));
    }

    private static ObjectId head(GitWorkspace ws, ConfigRepo repo) throws GitException {
        ObjectId head = ws.fetch(repo.branch());
        if (head == null) {
            throw new RefusedException(Refusal.NOT_FOUND, "branch " + repo.branch() + " does not exist in "
                    + repo.name() + ": nothing written");
        }
        return head;
    }

    /** The one definition of the app in the environment at {@code head}. */
    private static String defined(GitWorkspace ws, ObjectId head, ConfigRepo repo, Request r) throws GitException {
        List<String> files = definitions(ws, head, r.app(), r.environment());
        if (files.isEmpty()) {
            throw new RefusedException(Refusal.NOT_FOUND, repo.name() + " has no definition of " + r.app() + " in "
                    + r.environment() + " (marathon/" + r.environment() + "/.../" + r.app() + ".json or chronos/...)");
        }
        if (files.size() > 1) {
            throw new RefusedException(Refusal.CONFLICT, r.app() + " has " + files.size() + " definitions in "
                    + r.environment() + " (" + String.join(", ", files) + "): edit them in the repository");
        }
        return files.get(0);
    }

    private static List<String> definitions(GitWorkspace ws, ObjectId head, String app, String environment)
            throws GitException {
        List<String> files = new ArrayList<>();
        for (String kind : List.of("marathon", "chronos")) {
            for (String path : ws.files(head, kind + "/" + environment).keySet()) {
                Matcher m = DEFINITION.matcher(path);
                if (m.matches() && m.group(2).equals(environment) && WriteBackService.app(path).equals(app)) {
                    files.add(path);
                }
            }
        }
        return files;
    }

    private static Policies policies(GitWorkspace ws, ObjectId head, String consequence) throws GitException {
        try {
            return PolicyFiles.at(ws, head);
        } catch (IllegalArgumentException e) {
            throw new RefusedException(Refusal.CONFLICT, e.getMessage() + ": " + consequence
                    + " until it is fixed; nothing written");
        }
    }

    private static Policies declared(GitWorkspace ws, ObjectId head, String consequence) throws GitException {
        try {
            return PolicyFiles.declared(ws, head);
        } catch (IllegalArgumentException e) {
            throw new RefusedException(Refusal.CONFLICT, e.getMessage() + ": " + consequence
                    + " until it is fixed; nothing written");
        }
    }

    private static List<String> imagePath(String file) {
        return file.startsWith("chronos/") ? WriteBackService.CHRONOS_IMAGE : WriteBackService.MARATHON_IMAGE;
    }

    /** Commits {@code changes} (a null content deletes the file) on {@code head} and pushes the commit. */
    private static ObjectId push(GitWorkspace ws, ConfigRepo repo, ObjectId head, Map<String, byte[]> changes,
            String subject, Request r, String action, List<String> trailers) throws GitException {
        StringBuilder message = new StringBuilder(subject).append("\n\n");
        if (r.reason() != null && !r.reason().isBlank()) {
            message.append(r.reason().strip()).append("\n\n");
        }
        message.append(ACTION_TRAILER).append(": ").append(action).append('\n');
        if (r.by() != null && !r.by().isBlank()) {
            message.append(BY_TRAILER).append(": ").append(RollbackWriteBack.line(r.by())).append('\n');
        }
        trailers.forEach(t -> message.append(t).append('\n'));
        ObjectId commit = ws.commit(head, changes, new PersonIdent(repo.authorName(), repo.authorEmail()),
                message.toString());
        if (ws.push(commit, repo.branch()) != GitWorkspace.PushOutcome.PUSHED) {
            throw WriteBackService.branchMoved("push of '" + subject + "' to " + repo.name() + "/" + repo.branch());
        }
        return commit;
    }
}
