package dev.quayside.configsyncer.writeback;

import dev.quayside.configsyncer.client.GitClient;
import dev.quayside.configsyncer.client.GitException;
import dev.quayside.configsyncer.client.GitWorkspace;
import dev.quayside.configsyncer.policy.Policies;
import dev.quayside.configsyncer.policy.PolicyFiles;
import dev.quayside.configsyncer.service.ConfigRepo;
import dev.quayside.configsyncer.service.SyncSettings;
import dev.quayside.events.ImageBuilt;
import dev.quayside.events.ImageReference;
import dev.quayside.events.TagUpdated.FileChange;
import dev.quayside.events.TagUpdated.Outcome;
import dev.quayside.events.TagUpdated;
import dev.quayside.kit.retry.Retrier;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.jboss.logging.Logger;

/**
 * Job 1: writes a built image into every Marathon and Chronos definition of the config repository that references its
 * image repository, in environments whose policy follows the build's branch or tag. One commit per build; the builds
 * that wait while one is written are written together ({@link CommitBatches}: their commits one on another, one push),
 * as a fast-forward; a rejected push is fetched, re-applied on the new head and pushed again, a bounded number of times.
 */
public class WriteBackService {

    private static final Logger LOG = Logger.getLogger(WriteBackService.class);
    /** {@code marathon/<environment>/...json} and {@code chronos/<environment>/...json}. */
    public static final Pattern DEFINITION = Pattern.compile("(marathon|chronos)/([^/]+)/.+\\.json");
    static final List<String> MARATHON_IMAGE = List.of("container", "docker", "image");
    static final List<String> CHRONOS_IMAGE = List.of("container", "image");

    /**
     * What one write-back did.
     *
     * @param event        the {@link TagUpdated} to publish
     * @param pushed       the commit pushed, or null
     * @param environments the environments that follow the build and reference the image (for the image keys)
     * @param pinnedFiles  the definitions pinned to the build after this write-back (edited, or already at it)
     * @param held         the environments that follow the build but where the app is suspended: what resuming it
     *                     there may pin ({@link HeldBuilds})
     */
    public record Result(TagUpdated event, ObjectId pushed, List<String> environments, List<String> pinnedFiles,
            List<String> held) {

        public Result(TagUpdated event, ObjectId pushed, List<String> environments, List<String> pinnedFiles) {
            this(event, pushed, environments, pinnedFiles, List.of());
        }
    }

    private final GitClient git;
    private final SyncSettings settings;
    private final Retrier contention;
    private final CommitBatches batches = new CommitBatches(this);
    /** Blob id and image path → the image string found there ("" for none or invalid JSON): blobs never change. */
    private final Map<String, String> imageCache = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(1024, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                    return size() > 50_000;
                }
            });

    public WriteBackService(GitClient git, SyncSettings settings) {
        this.git = git;
        this.settings = settings;
        this.contention = Retrier.of(settings.pushContention()).named("write-back push")
                .retryOn(e -> e instanceof BranchMoved)
                .onGiveUp((failure, attempts) -> failure instanceof BranchMoved moved
                        ? new PushRejectedException(moved.getMessage() + " rejected " + attempts
                                + " times (the branch kept moving)")
                        : failure)
                .build();
    }

    /** {@link #apply(ConfigRepo, ImageBuilt, String, SourceOrder.Ordering)} without records of earlier pins. */
    public Result apply(ConfigRepo repo, ImageBuilt built, String eventId) throws GitException {
        return apply(repo, built, eventId, SourceOrder.Ordering.ALWAYS);
    }

    /**
     * Applies {@code built} to {@code repo}; {@code eventId} is the ImageBuilt event's id (a commit trailer);
     * {@code ordering} says per environment whether the build is newer than what is pinned there.
     *
     * @throws RefusedException when a following definition's app may not be updated from the build's repository, or
     *                          the build cannot be ordered against what is pinned: nothing is written
     */
    public Result apply(ConfigRepo repo, ImageBuilt built, String eventId, SourceOrder.Ordering ordering)
            throws GitException {
        return apply(repo, built, eventId, ordering, null);
    }

    /** What runs for a write-back once its commit is pushed, before the next write-back's (the mirror of it). */
    @FunctionalInterface
    public interface Pushed {
        void run(Result result) throws Exception;
    }

    /**
     * {@link #apply(ConfigRepo, ImageBuilt, String, SourceOrder.Ordering)}, then {@code then} (may be null) with the
     * result once it is pushed: the write-backs pushed together run it one after another in their commits' order, so
     * that each is mirrored up to its own commit, in its own chain. What {@code then} throws is thrown here.
     */
    public Result apply(ConfigRepo repo, ImageBuilt built, String eventId, SourceOrder.Ordering ordering, Pushed then)
            throws GitException {
        String pinned = built.pinnedReference();
        return batches.submit(repo, built.app(), (ws, tip) -> prepare(ws, tip, repo, built, eventId, pinned, ordering),
                then == null ? null : then::run);
    }

    /** How many write-back batches were written, and how many pushes they made (tests, metrics). */
    public long batchesWritten() {
        return batches.batches();
    }

    public long batchPushes() {
        return batches.pushes();
    }

    /** How many write-backs into {@code repository} wait for the next batch now. */
    int waitingWriteBacks(String repository) {
        return batches.waiting(repository);
    }

    /** One fetch-edit-commit-push attempt on a repository's workspace (its lock held). */
    @FunctionalInterface
    interface Attempt<R> {
        /**
         * Fetches, edits and pushes; throws {@link #branchMoved(String)}'s exception when the push was rejected
         * because the branch moved, to be fetched, re-applied and pushed again.
         */
        R run(GitWorkspace ws) throws GitException;
    }

    /** What an {@link Attempt} throws when its push was rejected because the branch moved. */
    static RuntimeException branchMoved(String what) {
        return new BranchMoved(what);
    }

    /**
     * Every write to a config repository goes through here: runs {@code attempt} with the repository's workspace
     * locked, again (after the {@code push-contention} pause) each time its push is rejected because the branch moved.
     *
     * @throws PushRejectedException when the branch kept moving
     */
    <R> R write(ConfigRepo repo, Attempt<R> attempt) throws GitException {
        GitWorkspace ws = git.workspace(repo.name(), repo.cloneUrl(), repo.username(), repo.password());
        ws.lock().lock();
        try {
            return contention.call(() -> attempt.run(ws));
        } catch (BranchMoved moved) {
            // a single attempt was allowed
            throw new PushRejectedException(moved.getMessage() + " rejected (the branch moved)");
        } catch (Retrier.RetryFailedException e) {
            if (e.getCause() instanceof GitException git) {
                throw git;
            }
            throw e;
        } finally {
            ws.lock().unlock();
        }
    }

    /** A push rejected because the branch moved: fetched again, re-applied and pushed again after a pause. */
    private static final class BranchMoved extends RuntimeException {
        BranchMoved(String message) {
            super(message);
        }
    }

    /**
     * The write-back of {@code built} on top of {@code head} (the branch's head, or the commit of the write-back before
     * in the same batch): its outcome, and its commit (not pushed yet; the batch pushes), or none.
     */
    private CommitBatches.Prepared<Result> prepare(GitWorkspace ws, ObjectId head, ConfigRepo repo, ImageBuilt built,
            String eventId, String pinned, SourceOrder.Ordering ordering) throws GitException {
        Result result = edited(ws, head, repo, built, eventId, pinned, ordering);
        return new CommitBatches.Prepared<>(result, result.pushed());
    }

    private Result edited(GitWorkspace ws, ObjectId head, ConfigRepo repo, ImageBuilt built, String eventId,
            String pinned, SourceOrder.Ordering ordering) throws GitException {
        long t1 = System.nanoTime();
        Edit edit = edit(ws, head, built, pinned, ordering);
        long t2 = System.nanoTime();
        if (edit.referencing == 0) {
            return new Result(tagUpdated(repo, built, null, List.of(), Outcome.NO_MATCH,
                    "no definition references " + built.imageRepository()), null, List.of(), List.of());
        }
        if (edit.following == 0) {
            return new Result(tagUpdated(repo, built, null, List.of(), Outcome.NO_MATCH,
                    "no environment follows " + built.branch() + " (" + edit.referencing
                            + " definition(s) reference " + built.imageRepository() + ")"), null, List.of(), List.of());
        }
        if (edit.pinned.isEmpty() && edit.notes.isEmpty() && !edit.suspended.isEmpty()) {
            return new Result(tagUpdated(repo, built, null, List.of(), Outcome.NO_MATCH,
                    String.join("; ", edit.suspended)), null, List.of(), List.of(), List.copyOf(edit.held));
        }
        edit.suspended.forEach(s -> note(edit, s + ": not pinned there"));
        List<String> environments = List.copyOf(edit.environments);
        String notes = edit.notes.isEmpty() ? null : String.join("; ", edit.notes);
        if (edit.files.isEmpty() && environments.isEmpty()) {
            return new Result(tagUpdated(repo, built, null, List.of(), Outcome.SUPERSEDED, notes), null, List.of(),
                    List.of(), List.copyOf(edit.held));
        }
        if (edit.files.isEmpty()) {
            return new Result(tagUpdated(repo, built, null, List.of(), Outcome.UNCHANGED,
                    "already at " + pinned + " in " + edit.unchanged + " definition(s)"
                            + (notes == null ? "" : "; " + notes)), null, environments, List.copyOf(edit.pinned),
                    List.copyOf(edit.held));
        }
        PersonIdent author = new PersonIdent(repo.authorName(), repo.authorEmail());
        ObjectId commit = ws.commit(head, edit.files, author, message(repo, built, eventId, edit));
        long t3 = System.nanoTime();
        LOG.debugf("write-back of %s: edit %d ms, commit %d ms", built.app(), (t2 - t1) / 1_000_000,
                (t3 - t2) / 1_000_000);
        return new Result(tagUpdated(repo, built, commit.name(), edit.changes, Outcome.UPDATED, notes), commit,
                environments, List.copyOf(edit.pinned), List.copyOf(edit.held));
    }

    private static final class Edit {
        int referencing;
        int following;
        int unchanged;
        /** The environments pinned to the build after this edit (edited or already at it). */
        final TreeSet<String> environments = new TreeSet<>();
        /** The definitions pinned to the build after this edit (edited or already at it). */
        final List<String> pinned = new ArrayList<>();
        final Map<String, byte[]> files = new LinkedHashMap<>();
        final List<FileChange> changes = new ArrayList<>();
        /** Why environments were left alone (older build, changed since). */
        final List<String> notes = new ArrayList<>();
        /** "{@code <app> is suspended in <environment>}" for each following definition left alone for that. */
        final TreeSet<String> suspended = new TreeSet<>();
        /** The environments of {@link #suspended}. */
        final TreeSet<String> held = new TreeSet<>();
    }

    /** A definition that references the built image, in an environment that follows the build. */
    private record Candidate(String path, String environment, String text, ImageEditor.Located image) {
    }

    private Edit edit(GitWorkspace ws, ObjectId head, ImageBuilt built, String pinned, SourceOrder.Ordering ordering)
            throws GitException {
        Policies policies = PolicyFiles.at(ws, head);
        Edit edit = new Edit();
        List<Candidate> candidates = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (Map.Entry<String, ObjectId> file : ws.files(head, null).entrySet()) {
            Matcher m = DEFINITION.matcher(file.getKey());
            if (!m.matches()) {
                continue;
            }
            List<String> imagePath = m.group(1).equals("marathon") ? MARATHON_IMAGE : CHRONOS_IMAGE;
            String cacheKey = file.getValue().name() + m.group(1);
            String cached = imageCache.get(cacheKey);
            if (cached != null && !references(cached, built.imageRepository())) {
                continue;
            }
            String text = utf8(ws.read(file.getValue()));
            Optional<ImageEditor.Located> image = Optional.empty();
            if (text != null) {
                try {
                    image = ImageEditor.locate(text, imagePath);
                } catch (ImageEditor.InvalidJsonException e) {
                    LOG.warnf("%s is not valid JSON (%s): left as it is", file.getKey(), e.getMessage());
                }
            }
            imageCache.put(cacheKey, image.map(ImageEditor.Located::value).orElse(""));
            if (image.isEmpty() || !references(image.get().value(), built.imageRepository())) {
                continue;
            }
            edit.referencing++;
            String environment = m.group(2);
            if (!policies.accepts(environment, built.branch())) {
                continue;
            }
            edit.following++;
            String app = app(file.getKey());
            if (!policies.mayUpdate(app, built.repository(), built.name())) {
                refused.add(app + " (" + file.getKey() + "; " + policies.ownersOf(app) + ")");
                continue;
            }
            if (policies.suspended(app, environment)) {
                edit.suspended.add(app + " is suspended in " + environment);
                edit.held.add(environment);
                continue;
            }
            candidates.add(new Candidate(file.getKey(), environment, text, image.get()));
        }
        if (!refused.isEmpty()) {
            throw new RefusedException("source repository '" + built.repository() + "' may not update "
                    + String.join(", ", refused) + ": nothing written");
        }
        for (Candidate c : candidates) {
            SourceOrder.Decision decision = ordering.decide(c.environment(), c.image().value(),
                    () -> writtenBack(ws, head, c.path(), c.image().value()));
            boolean at = c.image().value().equals(pinned);
            if (decision.verdict() == SourceOrder.Verdict.OLDER) {
                note(edit, "superseded in " + c.environment() + ": " + decision.reason());
                continue;
            }
            if (decision.verdict() == SourceOrder.Verdict.SEEN && !at) {
                note(edit, c.path() + " changed since " + built.commit() + " was pinned there (rolled back or edited): "
                        + "left at " + c.image().value());
                continue;
            }
            edit.environments.add(c.environment());
            edit.pinned.add(c.path());
            if (at) {
                edit.unchanged++;
                continue;
            }
            edit.files.put(c.path(), ImageEditor.replace(c.text(), c.image(), pinned).getBytes(StandardCharsets.UTF_8));
            edit.changes.add(new FileChange(c.path(), c.environment(), c.image().value(), pinned));
        }
        return edit;
    }

    /**
     * The trailer every write-back commit carries, whatever the message template says: the build it pinned. The
     * ordering of later builds reads it ({@link #writtenBack}), so a template cannot leave it out.
     */
    public static final String SOURCE_TRAILER = "Quayside-Source";

    /** The trailer naming the event a commit of config-syncer's came from. */
    public static final String EVENT_TRAILER = "Quayside-Event";

    /**
     * The build that the last commit changing {@code path} pinned, as its {@code Quayside-Source: <repo>@<commit>}
     * trailer says (that commit left the definition at {@code image}), or null when it has no such trailer.
     */
    static PinnedSource writtenBack(GitWorkspace ws, ObjectId head, String path, String image)
            throws GitException {
        List<String> sources = ws.lastTrailerOf(head, path, SOURCE_TRAILER);
        if (sources.size() != 1) {
            return null;
        }
        String source = sources.get(0).trim();
        int at = source.lastIndexOf('@');
        if (at <= 0 || at == source.length() - 1) {
            return null;
        }
        return new PinnedSource(source.substring(0, at), null, source.substring(at + 1), image);
    }

    private static void note(Edit edit, String note) {
        if (!edit.notes.contains(note)) {
            edit.notes.add(note);
        }
    }

    /** The app a definition is for: its file name without {@code .json}. */
    public static String app(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        return name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
    }

    private static boolean references(String image, String repository) {
        if (image.isEmpty()) {
            return false;
        }
        try {
            return ImageReference.parse(image).repository().equals(repository);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String message(ConfigRepo repo, ImageBuilt built, String eventId, Edit edit) {
        TreeSet<String> environments = new TreeSet<>();
        edit.changes.forEach(c -> environments.add(c.environment()));
        Map<String, String> values = Map.of("app", nn(built.app()), "image", built.pinnedReference(),
                "environments", String.join(", ", environments), "files", String.valueOf(edit.changes.size()),
                "sourceRepository", nn(built.repository()), "sourceCommit", nn(built.commit()), "eventId", nn(eventId));
        String message = repo.messageTemplate();
        for (Map.Entry<String, String> v : values.entrySet()) {
            message = message.replace("{" + v.getKey() + "}", v.getValue());
        }
        Map<String, String> trailers = new LinkedHashMap<>();
        trailers.put(SOURCE_TRAILER, nn(built.repository()) + "@" + nn(built.commit()));
        trailers.put(EVENT_TRAILER, nn(eventId));
        return withTrailers(message, trailers);
    }

    /**
     * {@code message} with each of {@code trailers} it does not already have (a line {@code Name: …}) appended to its
     * trailer block — the last paragraph when that is one, else a new paragraph.
     */
    static String withTrailers(String message, Map<String, String> trailers) {
        StringBuilder missing = new StringBuilder();
        trailers.forEach((name, value) -> {
            if (!Pattern.compile("(?m)^" + Pattern.quote(name) + ":").matcher(message).find()) {
                missing.append(name).append(": ").append(value).append('\n');
            }
        });
        if (missing.length() == 0) {
            return message;
        }
        String body = message.endsWith("\n") ? message : message + "\n";
        String[] paragraphs = body.strip().split("\n\s*\n");
        boolean trailerBlock = paragraphs.length > 1
                && paragraphs[paragraphs.length - 1].lines().allMatch(l -> l.matches("[A-Za-z0-9-]+: .*"));
        return body + (trailerBlock ? "" : "\n") + missing;
    }

    private static String nn(String s) {
        return s == null ? "" : s;
    }

    private static TagUpdated tagUpdated(ConfigRepo repo, ImageBuilt built, String commit, List<FileChange> changes,
            Outcome outcome, String reason) {
        return new TagUpdated(built.app(), repo.name(), repo.branch(), commit, built.pinnedReference(), changes,
                outcome, reason);
    }

    /** The text of a UTF-8 file, or null when it is not UTF-8. */
    static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** The build may not be written (a source repository that does not own the app, or cannot be ordered). */
    public static final class RefusedException extends IllegalArgumentException {
        public RefusedException(String message) {
            super(message);
        }
    }

    /** The branch kept moving for every attempt: terminal for this event. */
    public static final class PushRejectedException extends RuntimeException {
        PushRejectedException(String message) {
            super(message);
        }
    }
}
