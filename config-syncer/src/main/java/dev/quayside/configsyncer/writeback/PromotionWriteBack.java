package dev.quayside.configsyncer.writeback;

import dev.quayside.configsyncer.client.GitException;
import dev.quayside.configsyncer.client.GitWorkspace;
import dev.quayside.configsyncer.policy.Policies;
import dev.quayside.configsyncer.policy.PolicyFiles;
import dev.quayside.configsyncer.service.ConfigRepo;
import dev.quayside.events.Deployment;
import dev.quayside.events.DeploymentTarget;
import dev.quayside.events.ImageReference;
import dev.quayside.events.PromotionFailed.Reason;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.jboss.logging.Logger;

/**
 * Promotion: when an app ran successfully in environment {@code E}, pins the very image that ran there (digest
 * included: never a rebuild, never a tag lookup) into the app's definitions of every environment {@code F} whose
 * {@code quayside.yml} policy says {@code promote-from: E} — one commit per {@code F}, pushed together as a
 * fast-forward through {@link WriteBackService#write} (the same workspace lock, and on a rejected push the same fetch,
 * re-check and re-apply). Nothing is written into an {@code F} that has no definition of the app, suspends it, already
 * pins the image, or pins a newer build ({@link SourceOrder}, as the write-back orders builds).
 */
public class PromotionWriteBack {

    private static final Logger LOG = Logger.getLogger(PromotionWriteBack.class);
    /** The trailer naming the environment a promotion commit came from. */
    static final String PROMOTED_FROM_TRAILER = "Quayside-Promoted-From";
    /** The trailers the write-back and the rollback write-back use for the event and the chain. */
    static final String EVENT_TRAILER = WriteBackService.EVENT_TRAILER;
    static final String CHAIN_TRAILER = "Quayside-Chain";
    /** How far back the commit that pinned the image in {@code E} is looked for. */
    private static final int HISTORY = 50;

    /**
     * What happened in one environment that promotes from {@code E}.
     *
     * @param environment the environment ({@code F})
     * @param commit      the promotion commit: pushed now ({@code written}), or found (a redelivery of the same event);
     *                    null when nothing was promoted
     * @param files       the definitions it pins
     * @param written     true when this call pushed {@code commit}
     * @param refused     why nothing was written, or null
     * @param reason      the refusal (or the no-op) in one line, or null
     * @param source      the build that ran in {@code E} (for the image keys of {@code F}), or null when unknown
     */
    public record Target(String environment, ObjectId commit, List<String> files, boolean written, Reason refused,
            String reason, PinnedSource source) {

        static Target refused(String environment, Reason why, String reason) {
            return new Target(environment, null, List.of(), false, why, reason, null);
        }

        /**
         * {@code NOT_PINNED} into {@code environment} when {@code image}, which ran in {@code from}, names no digest
         * (a tag could name another image by now: it is never promoted, gated or not); null when it does.
         */
        public static Target notPinned(String environment, String image, String from) {
            ImageReference reference;
            try {
                reference = image == null ? null : ImageReference.parse(image);
            } catch (IllegalArgumentException e) {
                reference = null;
            }
            return reference != null && reference.digest() != null ? null : refused(environment, Reason.NOT_PINNED,
                    "the image that ran in " + from + " (" + image + ") is not pinned by digest: promoting it could"
                            + " run another image");
        }

        /** A promotion commit exists for this event (written now or before): its sync and deployment are announced. */
        public boolean promoted() {
            return refused == null && commit != null;
        }
    }

    /**
     * Which environments of one config repository promote from {@code E} (none when the repository has no definition
     * of the app in {@code E}, or no environment promotes from it), or why that cannot be read.
     *
     * @param environments the environments {@code F}, in the order of {@code quayside.yml}
     * @param refusal      {@code quayside.yml} does not parse ({@link Reason#INVALID_POLICY}, no environment), or null
     * @param gates        per environment of {@code environments}, what a promotion into it waits for
     *                     ({@code approval}, {@code soak})
     */
    public record Plan(List<String> environments, Target refusal, Map<String, Policies.Gate> gates) {
        static final Plan NONE = new Plan(List.of(), null, Map.of());

        /** The gates in front of {@code environment} ({@link Policies.Gate#NONE} when it has none). */
        public Policies.Gate gate(String environment) {
            return gates.getOrDefault(environment, Policies.Gate.NONE);
        }
    }

    private final WriteBackService writer;
    private final SourceOrder order;

    public PromotionWriteBack(WriteBackService writer, SourceOrder order) {
        this.writer = writer;
        this.order = order;
    }

    /** The environments of {@code repo} that {@code deployed} (a success in {@code deployed.environment()}) goes to. */
    public Plan plan(ConfigRepo repo, Deployment deployed) throws GitException {
        Request r = new Request(repo, deployed, Map.of(), null, null);
        return writer.write(repo, ws -> {
            ObjectId head = ws.fetch(repo.branch());
            if (head == null || definitions(ws.files(head, null), r, r.from()).isEmpty()) {
                return Plan.NONE; // the app is not this repository's in E
            }
            Policies policies;
            try {
                policies = policies(ws, head);
            } catch (IllegalArgumentException e) {
                return new Plan(List.of(), Target.refused(null, Reason.INVALID_POLICY, e.getMessage()), Map.of());
            }
            List<String> environments = policies.promotedFrom(r.from());
            Map<String, Policies.Gate> gates = new LinkedHashMap<>();
            environments.forEach(to -> gates.put(to, policies.gate(to)));
            return new Plan(environments, null, gates);
        });
    }

    /**
     * Promotes {@code deployed} into {@code to} in {@code repo}: one commit, pushed on its own (so that its sync and
     * deployment are {@code to}'s alone); {@code pinned} is what the image keys record per environment for the app,
     * {@code chainId} and {@code eventId} the successful deployment's chain and event (commit trailers). Everything is
     * read again at the branch's head, as each retry after a rejected push does.
     */
    public Target apply(ConfigRepo repo, Deployment deployed, String to, Map<String, PinnedSource> pinned,
            String chainId, String eventId) throws GitException {
        Request r = new Request(repo, deployed, pinned, chainId, eventId);
        return writer.write(repo, ws -> attempt(ws, r, to));
    }

    private record Request(ConfigRepo repo, Deployment deployed, Map<String, PinnedSource> pinned, String chainId,
            String eventId) {
        String app() {
            return deployed.app();
        }

        String from() {
            return deployed.environment();
        }

        String image() {
            return deployed.image();
        }

        String kind() {
            return deployed.target() == DeploymentTarget.CHRONOS ? "chronos" : "marathon";
        }

        List<String> imagePath() {
            return deployed.target() == DeploymentTarget.CHRONOS ? WriteBackService.CHRONOS_IMAGE
                    : WriteBackService.MARATHON_IMAGE;
        }
    }

    /** The build that ran in {@code E}, or why it cannot be promoted. */
    private record Source(PinnedSource pinned, Reason refused, String reason) {
    }

    private static Policies policies(GitWorkspace ws, ObjectId head) throws GitException {
        return PolicyFiles.at(ws, head);
    }

    private Target attempt(GitWorkspace ws, Request r, String to) throws GitException {
        ObjectId head = ws.fetch(r.repo().branch());
        if (head == null) {
            return Target.refused(to, Reason.WRITE_FAILED, "branch " + r.repo().branch() + " does not exist in "
                    + r.repo().name());
        }
        Map<String, ObjectId> files = ws.files(head, null);
        List<String> fromDefinitions = definitions(files, r, r.from());
        if (fromDefinitions.isEmpty()) {
            return Target.refused(to, Reason.SOURCE_MOVED_ON, r.app() + " has no definition in " + r.from()
                    + " any more: nothing promoted");
        }
        Policies policies;
        try {
            policies = policies(ws, head);
        } catch (IllegalArgumentException e) {
            return Target.refused(to, Reason.INVALID_POLICY, e.getMessage());
        }
        if (!policies.promoteFrom(to).equals(Optional.of(r.from()))) {
            return new Target(to, null, List.of(), false, null, to + " no longer promotes from " + r.from()
                    + ": nothing written", null);
        }
        Source source = source(ws, head, fromDefinitions, r);
        SourceOrder.Ordering ordering = source.pinned() == null ? null : order.of(source.pinned(), r.pinned());
        Target target = promote(ws, head, files, r, to, policies, source, ordering);
        if (target.written() && ws.push(target.commit(), r.repo().branch()) != GitWorkspace.PushOutcome.PUSHED) {
            LOG.debugf("push of the promotion of %s from %s to %s in %s/%s rejected: re-applying on the new head",
                    r.app(), r.from(), to, r.repo().name(), r.repo().branch());
            throw WriteBackService.branchMoved("push of the promotion of " + r.app() + " from " + r.from() + " to "
                    + to + " in " + r.repo().name() + "/" + r.repo().branch());
        }
        return target;
    }

    /** Promotes into {@code to}: a commit on top of {@code head}, not pushed yet. */
    private Target promote(GitWorkspace ws, ObjectId head, Map<String, ObjectId> files, Request r, String to,
            Policies policies, Source source, SourceOrder.Ordering ordering) throws GitException {
        List<String> definitions = definitions(files, r, to);
        if (definitions.isEmpty()) {
            return Target.refused(to, Reason.NO_DEFINITION, "no " + r.kind() + "/" + to + "/…/" + r.app()
                    + ".json in " + r.repo().name() + ": " + r.app() + " is not promoted to " + to);
        }
        if (policies.suspended(r.app(), to)) {
            return Target.refused(to, Reason.SUSPENDED, r.app() + " is suspended in " + to + ": not promoted there");
        }
        if (source.refused() != null) {
            return Target.refused(to, source.refused(), source.reason());
        }
        Map<String, String> texts = new LinkedHashMap<>();
        Map<String, ImageEditor.Located> images = new LinkedHashMap<>();
        for (String path : definitions) {
            String text = WriteBackService.utf8(ws.read(files.get(path)));
            Optional<ImageEditor.Located> image = Optional.empty();
            String problem = text == null ? "not UTF-8" : null;
            if (text != null) {
                try {
                    image = ImageEditor.locate(text, r.imagePath());
                    problem = image.isEmpty() ? "without an image at " + String.join(".", r.imagePath()) : null;
                } catch (ImageEditor.InvalidJsonException e) {
                    problem = "not valid JSON (" + e.getMessage() + ")";
                }
            }
            if (problem != null) {
                return Target.refused(to, Reason.INVALID_DEFINITION, path + " is " + problem + ": nothing promoted to "
                        + to);
            }
            texts.put(path, text);
            images.put(path, image.get());
        }
        List<String> behind = definitions.stream().filter(p -> !images.get(p).value().equals(r.image())).toList();
        if (behind.isEmpty()) {
            return already(ws, head, definitions, r, to, source.pinned());
        }
        String first = behind.get(0);
        SourceOrder.Decision decision;
        try {
            decision = ordering.decide(to, images.get(first).value(),
                    () -> WriteBackService.writtenBack(ws, head, first, images.get(first).value()));
        } catch (SourceOrder.UnorderableException e) {
            return Target.refused(to, Reason.UNORDERABLE, e.getMessage());
        }
        if (decision.verdict() == SourceOrder.Verdict.OLDER) {
            return Target.refused(to, Reason.OLDER, decision.reason() + ": " + r.image() + " is not promoted there");
        }
        if (decision.verdict() == SourceOrder.Verdict.SEEN) {
            return Target.refused(to, Reason.CHANGED_SINCE, first + " was pinned to " + source.pinned().repository()
                    + "@" + source.pinned().commit() + " before and changed since (rolled back or edited): left at "
                    + images.get(first).value());
        }
        Map<String, byte[]> edits = new LinkedHashMap<>();
        for (String path : behind) {
            edits.put(path, ImageEditor.replace(texts.get(path), images.get(path), r.image())
                    .getBytes(StandardCharsets.UTF_8));
        }
        PersonIdent author = new PersonIdent(r.repo().authorName(), r.repo().authorEmail());
        ObjectId commit = ws.commit(head, edits, author, message(r, to, behind, source.pinned()));
        return new Target(to, commit, behind, true, null, null, source.pinned());
    }

    /**
     * Every definition in {@code to} pins the image already: nothing is written. When the last commit that changed
     * them is this very event's promotion (a redelivery after the push), that commit is the promotion, announced again.
     */
    private static Target already(GitWorkspace ws, ObjectId head, List<String> definitions, Request r, String to,
            PinnedSource source) throws GitException {
        List<GitWorkspace.Stamped> last = ws.history(head, definitions.get(0), 1);
        if (!last.isEmpty() && last.get(0).trailer(EVENT_TRAILER).contains(r.eventId())
                && last.get(0).trailer(PROMOTED_FROM_TRAILER).contains(r.from())) {
            return new Target(to, last.get(0).commit(), definitions, false, null,
                    "promoted by this event before (" + last.get(0).commit().name() + ")", source);
        }
        return new Target(to, null, definitions, false, null, to + " pins " + r.image() + " already: nothing written",
                source);
    }

    /**
     * The build that ran in {@code E}: the {@code Quayside-Source} trailer of the commit that pinned the deployed image
     * into {@code E}'s definition (the newest commit of its history that carries one while the file holds the image),
     * with its ref when the image keys record the same build.
     */
    private static Source source(GitWorkspace ws, ObjectId head, List<String> fromDefinitions, Request r)
            throws GitException {
        String image = r.image();
        Target notPinned = Target.notPinned(null, image, r.from());
        if (notPinned != null) {
            return new Source(null, Reason.NOT_PINNED, notPinned.reason());
        }
        String definition = null;
        String now = null;
        for (String path : fromDefinitions) {
            String held = ImageEditor.imageOf(ws.readFile(head, path), r.imagePath());
            if (image.equals(held)) {
                definition = path;
                break;
            }
            now = now == null ? path + " pins " + held : now;
        }
        if (definition == null) {
            return new Source(null, Reason.SOURCE_MOVED_ON, now + " now, not " + image + " that ran in " + r.from()
                    + ": the newer one is promoted once it runs there");
        }
        for (GitWorkspace.Stamped commit : ws.history(head, definition, HISTORY)) {
            if (!image.equals(ImageEditor.imageOf(ws.readFile(commit.commit(), definition), r.imagePath()))) {
                break;
            }
            List<String> sources = commit.trailer(WriteBackService.SOURCE_TRAILER);
            if (sources.size() == 1) {
                String value = sources.get(0).trim();
                int at = value.lastIndexOf('@');
                if (at > 0 && at < value.length() - 1) {
                    String repository = value.substring(0, at);
                    String sourceCommit = value.substring(at + 1);
                    PinnedSource recorded = r.pinned().get(r.from());
                    String ref = recorded != null && repository.equals(recorded.repository())
                            && sourceCommit.equals(recorded.commit()) ? recorded.ref() : null;
                    return new Source(new PinnedSource(repository, ref, sourceCommit, image), null, null);
                }
            }
        }
        return new Source(null, Reason.UNORDERABLE, definition + " got " + image + " from no write-back or promotion"
                + " (no " + WriteBackService.SOURCE_TRAILER + " trailer): cannot tell whether it is newer than what"
                + " the next environment runs");
    }

    /** The app's definitions of the deployment's kind in {@code environment}, in tree order. */
    private static List<String> definitions(Map<String, ObjectId> files, Request r, String environment) {
        List<String> paths = new ArrayList<>();
        for (String path : files.keySet()) {
            Matcher m = WriteBackService.DEFINITION.matcher(path);
            if (m.matches() && m.group(1).equals(r.kind()) && m.group(2).equals(environment)
                    && WriteBackService.app(path).equals(r.app())) {
                paths.add(path);
            }
        }
        return paths;
    }

    private static String message(Request r, String to, List<String> files, PinnedSource source) {
        return "Promote " + r.app() + " to " + to + ": " + r.image() + "\n\n"
                + r.image() + " ran successfully in " + r.from() + " ("
                + RollbackWriteBack.line(r.deployed().targetId()) + ");\n"
                + "this commit pins the same image in " + to + ": " + String.join(", ", files) + ".\n\n"
                + WriteBackService.SOURCE_TRAILER + ": " + source.repository() + "@" + source.commit() + "\n"
                + PROMOTED_FROM_TRAILER + ": " + r.from() + "\n"
                + CHAIN_TRAILER + ": " + RollbackWriteBack.line(r.chainId()) + "\n"
                + EVENT_TRAILER + ": " + RollbackWriteBack.line(r.eventId()) + "\n";
    }
}
