package dev.quayside.devstack.launcher.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quayside.devstack.launcher.chaos.ChainOutcomes.ChainStatus;
import dev.quayside.devstack.launcher.chaos.FinalState.App;
import dev.quayside.devstack.launcher.chaos.FinalState.MarathonApp;
import dev.quayside.devstack.launcher.chaos.FinalState.Pin;
import dev.quayside.devstack.launcher.chaos.FinalState.Pushed;
import dev.quayside.devstack.launcher.chaos.FinalState.RegistryRepository;
import dev.quayside.events.EventCodec;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.ImageBuilt;
import dev.quayside.events.ImageReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Checks a {@link FinalState} against what must hold once the pipeline is quiet (issue #20), whatever faults it went
 * through, and reports every violation with the commit or app it concerns:
 * <ol>
 * <li>every pushed commit has exactly one terminal event on its chain — deployed, rolled back, superseded, or a failure
 * event with its reason — none silent;</li>
 * <li>the registry holds one image per built commit: no commit was built and pushed twice;</li>
 * <li>the config repo pins, for every app, the image of the newest commit pushed — never an older one — and holds no
 * duplicate write-back commit for one image;</li>
 * <li>Consul KV equals the config repo's tree at the synced commit byte for byte, and that commit is the head;</li>
 * <li>Marathon (and Chronos) run exactly the definitions in KV (ids, images, instances), every task healthy; the
 * Consul catalog holds exactly the running tasks; HAProxy routes to exactly those;</li>
 * <li>no notification was sent twice to one channel for one event.</li>
 * </ol>
 * The checker only reads what it is given; it never waits or retries.
 */
public final class FinalStateChecker {

    /** Length of the commit tag image-builder gives images (its default {@code sha-tag-length}). */
    public static final int TAG_LENGTH = 12;

    /** One violation: the property (1–6) it breaks, its kind, and the commit, app or key it concerns. */
    public record Finding(int property, String kind, String subject, String detail) {

        @Override
        public String toString() {
            return "(" + property + ") " + kind + " " + subject + ": " + detail;
        }
    }

    /**
     * The figures of one check.
     *
     * @param commitsSent    commits the workload pushed
     * @param chainsTerminal pushed commits whose chain reached exactly one terminal outcome (or several, all redeliveries)
     * @param silent         pushed commits without a terminal event (never announced, or their chain stopped)
     * @param lost           apps whose newest pushed commit is not what the config repo pins, KV holds and Marathon
     *                       runs — except those counted in {@code rolledBack}
     * @param rolledBack     apps whose newest commit's deployment failed and was rolled back, the rollback written
     *                       back to Git, and Git, KV and Marathon agreeing on the restored image: Git is what runs, so
     *                       not lost (on an overloaded machine a health check that does not pass in time does this;
     *                       each is also a finding)
     * @param duplicated     doubled effects by kind ({@code build}, {@code write-back}, {@code deployment},
     *                       {@code terminal-event}, {@code commit-pushed}, {@code notification})
     * @param redelivered    terminal events seen more than once with the same id (at-least-once redeliveries that a
     *                       consumer de-duplicates by id; not counted as doubled)
     * @param stoppedAt      where silent chains stopped: the last event type seen, and how many
     */
    public record Report(List<Finding> findings, int commitsSent, int chainsTerminal, int silent, int lost,
            int rolledBack, Map<String, Integer> duplicated, int redelivered, Map<String, Integer> stoppedAt) {

        public boolean clean() {
            return findings.isEmpty();
        }

        /** Findings per property and kind, e.g. {@code 1 silent-chain} → 3. */
        public Map<String, Integer> byKind() {
            Map<String, Integer> kinds = new TreeMap<>();
            findings.forEach(f -> kinds.merge(f.property() + " " + f.kind(), 1, Integer::sum));
            return kinds;
        }

        public int duplicatedTotal() {
            return duplicated.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    private final List<Finding> findings = new ArrayList<>();
    private final Map<String, Integer> duplicated = new TreeMap<>();
    private int rolledBack;

    private FinalStateChecker() {
    }

    /** Checks every property. */
    public static Report check(FinalState state) {
        return new FinalStateChecker().run(state);
    }

    private Report run(FinalState state) {
        List<ChainStatus> chains = ChainOutcomes.of(state.pushed(), state.events());
        int terminal = 0;
        int silent = 0;
        int redelivered = 0;
        Map<String, Integer> stoppedAt = new TreeMap<>();
        for (ChainStatus status : chains) {
            redelivered += status.redelivered();
            String subject = status.commit().repository() + "@" + shortSha(status.commit().commit());
            if (status.chains().isEmpty()) {
                silent++;
                stoppedAt.merge("never announced", 1, Integer::sum);
                finding(1, "silent-unannounced", subject, "no commit-pushed event names this commit");
                continue;
            }
            if (status.chains().size() > 1) {
                duplicate("commit-pushed");
                finding(1, "duplicate-chain", subject, status.chains().size() + " chains announce it: "
                        + status.chains());
            }
            if (!status.terminal()) {
                silent++;
                stoppedAt.merge(status.lastEvent(), 1, Integer::sum);
                finding(1, "silent-chain", subject, "no terminal event; the chain stopped after " + status.lastEvent());
            } else if (status.terminals().size() > 1) {
                duplicate("terminal-event");
                finding(1, "duplicate-terminal", subject, status.terminals().size() + " terminal events: "
                        + status.terminals());
            } else {
                terminal++;
            }
        }
        checkBuilds(state);
        int lost = checkConfigRepository(state);
        checkKeyValues(state);
        checkRunning(state);
        checkNotifications(state);
        return new Report(List.copyOf(findings), state.pushed().size(), terminal, silent, lost, rolledBack,
                duplicated, redelivered, stoppedAt);
    }

    // ---- 2. builds ------------------------------------------------------------------------------------------------

    private void checkBuilds(FinalState state) {
        Map<String, Set<String>> digests = new TreeMap<>();
        for (EventEnvelope<?> event : state.events()) {
            if (event.data() instanceof ImageBuilt built && !built.reused()) {
                digests.computeIfAbsent(built.name() + "@" + shortSha(built.commit()), k -> new TreeSet<>())
                        .add(built.digest());
            }
        }
        digests.forEach((commit, set) -> {
            if (set.size() > 1) {
                duplicate("build");
                finding(2, "duplicate-build", commit, "built and pushed " + set.size() + " times: " + set);
            }
        });
        for (EventEnvelope<?> event : state.events()) {
            if (event.data() instanceof ImageBuilt built && state.registry().containsKey(built.name())) {
                String stored = state.registry().get(built.name()).tags().get(built.tag());
                if (stored == null) {
                    finding(2, "image-missing", built.name() + ":" + built.tag(), "announced " + built.digest()
                            + " but the registry has no such tag");
                } else if (!stored.equals(built.digest()) && digests.getOrDefault(built.name() + "@"
                        + shortSha(built.commit()), Set.of()).size() <= 1) {
                    duplicate("build");
                    finding(2, "image-replaced", built.name() + ":" + built.tag(), "announced " + built.digest()
                            + " but the tag now names " + stored + " (pushed again after the announcement)");
                }
            }
        }
        state.registry().forEach((repository, content) -> {
            Set<String> tagged = new HashSet<>(content.tags().values());
            List<String> untagged = content.manifests().stream().filter(d -> !tagged.contains(d)).sorted().toList();
            if (!untagged.isEmpty() && state.apps().containsKey(repository)) {
                duplicate("build");
                finding(2, "untagged-image", repository, untagged.size() + " manifest(s) no tag names any more (a"
                        + " commit's image pushed again over its tag): " + untagged);
            }
        });
    }

    // ---- 3. config repository -------------------------------------------------------------------------------------

    /**
     * Returns the number of apps whose newest commit is not live (pinned, mirrored and running) and was not rolled back
     * with Git, KV and Marathon agreeing (those are counted in {@link #rolledBack}).
     */
    private int checkConfigRepository(FinalState state) {
        int lost = 0;
        for (App app : state.apps().values()) {
            List<String> commits = state.pushed().stream().filter(p -> p.repository().equals(app.name()))
                    .map(Pushed::commit).toList();
            String pinned = imageOf(state.config().headTree().get(app.definition()));
            String inKv = imageOf(state.kv().files().get(app.definition()));
            MarathonApp running = state.marathon().get(app.marathonId());
            String live = running == null ? null : running.image();
            List<Pin> history = state.config().history().getOrDefault(app.definition(), List.of());
            Pin last = history.isEmpty() ? null : history.get(history.size() - 1);
            // the head's last change of the definition is config-syncer's write-back of an automatic rollback
            boolean restored = last != null && last.rollback() && pinned != null && pinned.equals(last.image());
            if (!commits.isEmpty()) {
                String newest = commits.get(commits.size() - 1);
                String wanted = tagOf(newest);
                String subject = app.name() + "@" + shortSha(newest);
                if (pinned == null) {
                    finding(3, "definition-missing", app.definition(), "no definition (or no image) at the head");
                } else if (!wanted.equals(ImageReference.parse(pinned).tag())) {
                    int index = indexOfTag(commits, ImageReference.parse(pinned).tag());
                    if (!restored) {
                        finding(3, index >= 0 ? "older-image-pinned" : "foreign-image-pinned", subject, "the head pins "
                                + pinned + (index >= 0 ? ", the image of commit " + (index + 1) + " of "
                                + commits.size() + ", not the newest" : ""));
                    }
                } else {
                    String digest = ImageReference.parse(pinned).digest();
                    RegistryRepository repository = state.registry().get(app.name());
                    String stored = repository == null ? null : repository.tags().get(wanted);
                    if (digest != null && stored != null && !digest.equals(stored)) {
                        finding(3, "digest-mismatch", subject, "the head pins " + digest + ", the registry's tag names "
                                + stored);
                    }
                }
                if (pinned == null || !pinned.equals(inKv) || !pinned.equals(live)
                        || !wanted.equals(ImageReference.parse(pinned).tag())) {
                    if (restored && pinned.equals(inKv) && pinned.equals(live)) {
                        rolledBack++;
                        finding(3, "rolled-back", subject, "its deployment failed and was rolled back (config commit "
                                + shortSha(last.commit()) + "): Git, KV and Marathon agree on " + pinned);
                    } else {
                        lost++;
                    }
                }
            }
            checkHistory(app, commits, history);
        }
        return lost;
    }

    private void checkHistory(App app, List<String> commits, List<Pin> history) {
        Map<String, List<String>> writes = new LinkedHashMap<>();
        String previous = null;
        int newestSoFar = -1;
        for (Pin pin : history) {
            if (pin.rollback()) {
                // a rollback restores an earlier pin on purpose: neither a regression nor a second write-back
                previous = pin.image();
                continue;
            }
            if (pin.image() != null && !pin.image().equals(previous)) {
                writes.computeIfAbsent(pin.image(), k -> new ArrayList<>()).add(shortSha(pin.commit()));
                String tag = ImageReference.parse(pin.image()).tag();
                int index = indexOfTag(commits, tag);
                if (index >= 0 && index < newestSoFar) {
                    finding(3, "pin-regressed", app.name() + "@" + shortSha(commits.get(index)), "config commit "
                            + shortSha(pin.commit()) + " pinned commit " + (index + 1) + " after commit "
                            + (newestSoFar + 1) + " was pinned");
                }
                newestSoFar = Math.max(newestSoFar, index);
            }
            previous = pin.image();
        }
        writes.forEach((image, configCommits) -> {
            if (configCommits.size() > 1) {
                duplicate("write-back");
                finding(3, "duplicate-write-back", app.name() + " " + image, configCommits.size()
                        + " config commits pin it: " + configCommits);
            }
        });
    }

    // ---- 4. KV ----------------------------------------------------------------------------------------------------

    private void checkKeyValues(FinalState state) {
        String ref = state.kv().ref();
        if (ref == null) {
            finding(4, "no-synced-ref", "KV", "the mirror records no synced commit");
            return;
        }
        if (!ref.equals(state.config().head())) {
            finding(4, "stale-ref", "KV", "mirrored " + shortSha(ref) + ", the config repo's head is "
                    + shortSha(state.config().head()));
        }
        Map<String, String> tree = state.config().syncedTree();
        if (tree == null) {
            finding(4, "unknown-ref", "KV", "the synced commit " + shortSha(ref) + " is not in the config repo");
            tree = state.config().headTree();
        }
        Set<String> keys = new TreeSet<>(tree.keySet());
        keys.addAll(state.kv().files().keySet());
        for (String path : keys) {
            String want = tree.get(path);
            String have = state.kv().files().get(path);
            if (have == null) {
                finding(4, "key-missing", path, "in Git at " + shortSha(ref) + ", not in KV");
            } else if (want == null) {
                finding(4, "stale-key", path, "in KV, not in Git at " + shortSha(ref));
            } else if (!want.equals(have)) {
                finding(4, "value-differs", path, "KV holds " + have.length() + " bytes that differ from Git's "
                        + want.length() + (Objects.equals(imageOf(want), imageOf(have)) ? "" : " (image "
                        + imageOf(have) + " instead of " + imageOf(want) + ")"));
            }
        }
    }

    // ---- 5. what runs ---------------------------------------------------------------------------------------------

    private void checkRunning(FinalState state) {
        Map<String, JsonNode> desired = new TreeMap<>();
        Map<String, String> jobs = new TreeMap<>();
        state.kv().files().forEach((path, value) -> {
            JsonNode json = parse(value);
            if (json == null) {
                return;
            }
            if (path.startsWith("marathon/") && path.endsWith(".json")) {
                desired.put(json.path("id").asText(), json);
            } else if (path.startsWith("chronos/") && path.endsWith(".json")) {
                jobs.put(json.path("name").asText(), json.path("container").path("image").asText(null));
            }
        });
        desired.forEach((id, definition) -> {
            MarathonApp app = state.marathon().get(id);
            String image = definition.path("container").path("docker").path("image").asText(null);
            int instances = definition.path("instances").asInt(1);
            if (app == null) {
                finding(5, "app-missing", id, "defined in KV, not on Marathon");
                return;
            }
            if (!Objects.equals(image, app.image())) {
                finding(5, "image-differs", id, "Marathon runs " + app.image() + ", KV defines " + image);
            }
            if (instances != app.instances()) {
                finding(5, "instances-differ", id, "Marathon has " + app.instances() + ", KV defines " + instances);
            }
            if (app.deploying()) {
                finding(5, "deployment-running", id, "a deployment still runs");
            }
            if (app.tasks().size() != app.instances()) {
                finding(5, "tasks-differ", id, app.tasks().size() + " task(s) run for " + app.instances()
                        + " instance(s)");
            }
            if (app.healthChecked()) {
                long unhealthy = app.tasks().stream().filter(t -> !t.healthy()).count();
                if (unhealthy > 0) {
                    finding(5, "task-unhealthy", id, unhealthy + " of " + app.tasks().size() + " task(s) not healthy");
                }
            }
            deployments(app);
        });
        state.marathon().keySet().stream().filter(id -> !desired.containsKey(id))
                .forEach(id -> finding(5, "app-not-in-kv", id, "runs on Marathon, no definition in KV"));
        jobs.forEach((name, image) -> {
            if (!state.chronos().containsKey(name)) {
                finding(5, "job-missing", name, "defined in KV, not on Chronos");
            } else if (!Objects.equals(image, state.chronos().get(name))) {
                finding(5, "job-image-differs", name, "Chronos has " + state.chronos().get(name) + ", KV " + image);
            }
        });
        state.chronos().keySet().stream().filter(name -> !jobs.containsKey(name))
                .forEach(name -> finding(5, "job-not-in-kv", name, "on Chronos, no definition in KV"));
        findings.addAll(CatalogAndRoutes.check(state));
    }

    /** Marathon versions: a new version into the same image twice is the same definition deployed twice. */
    private void deployments(MarathonApp app) {
        Map<String, Integer> into = new LinkedHashMap<>();
        String previous = null;
        for (String image : app.versionImages()) {
            if (image != null && !image.equals(previous)) {
                into.merge(image, 1, Integer::sum);
            }
            previous = image;
        }
        into.forEach((image, count) -> {
            if (count > 1) {
                duplicate("deployment");
                finding(5, "duplicate-deployment", app.id(), image + " deployed " + count + " times (Marathon's versions)");
            }
        });
    }

    // ---- 6. notifications -----------------------------------------------------------------------------------------

    private void checkNotifications(FinalState state) {
        state.notifications().forEach((channel, ids) -> {
            Map<String, Long> counts = ids.stream().collect(Collectors.groupingBy(id -> id, LinkedHashMap::new,
                    Collectors.counting()));
            counts.forEach((id, count) -> {
                if (count > 1) {
                    duplicate("notification");
                    finding(6, "duplicate-notification", channel + " " + id, "sent " + count + " times");
                }
            });
        });
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private void finding(int property, String kind, String subject, String detail) {
        findings.add(new Finding(property, kind, subject, detail));
    }

    private void duplicate(String kind) {
        duplicated.merge(kind, 1, Integer::sum);
    }

    /** The image tag image-builder gives {@code commit}. */
    public static String tagOf(String commit) {
        return commit.substring(0, Math.min(TAG_LENGTH, commit.length()));
    }

    private static int indexOfTag(List<String> commits, String tag) {
        for (int i = commits.size() - 1; i >= 0; i--) {
            if (tagOf(commits.get(i)).equals(tag)) {
                return i;
            }
        }
        return -1;
    }

    /** The Docker image of a Marathon definition, or null. */
    public static String imageOf(String definition) {
        JsonNode json = parse(definition);
        return json == null ? null : json.path("container").path("docker").path("image").asText(null);
    }

    private static JsonNode parse(String text) {
        if (text == null) {
            return null;
        }
        try {
            JsonNode node = EventCodec.mapper().readTree(text.getBytes(StandardCharsets.ISO_8859_1));
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    static String shortSha(String sha) {
        return sha == null ? "?" : sha.substring(0, Math.min(7, sha.length()));
    }

    /** Findings sorted by property, kind and subject, for printing. */
    public static List<Finding> sorted(List<Finding> findings) {
        List<Finding> sorted = new ArrayList<>(findings);
        sorted.sort(Comparator.comparingInt(Finding::property).thenComparing(Finding::kind)
                .thenComparing(Finding::subject));
        return sorted;
    }
}
