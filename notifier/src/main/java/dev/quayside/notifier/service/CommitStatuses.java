package dev.quayside.notifier.service;

import dev.quayside.events.EventEnvelope;
import dev.quayside.events.EventType;
import dev.quayside.events.TagUpdated;
import dev.quayside.notifier.config.NotifierConfig.ChannelConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which commit statuses one event means for a {@code commit-status} channel: one status per stage (the build) and per
 * environment (its deployment), on the chain's source commit.
 *
 * <table>
 * <tr><th>event</th><th>context</th><th>state</th></tr>
 * <tr><td>build-queued</td><td>{@code <context>/build}</td><td>pending</td></tr>
 * <tr><td>build-started</td><td>{@code <context>/build}</td><td>running</td></tr>
 * <tr><td>build-finished</td><td>{@code <context>/build}</td><td>success; failure (failure, timed-out); cancelled
 * (skipped, superseded)</td></tr>
 * <tr><td>tag-updated (updated)</td><td>{@code <context>/deploy/<env>} for each environment written</td><td>pending</td></tr>
 * <tr><td>tag-updated (failed, with environments)</td><td>the same</td><td>failure</td></tr>
 * <tr><td>service-deployed, service-upgraded</td><td>{@code <context>/deploy/<env>}</td><td>success</td></tr>
 * <tr><td>deployment-failed</td><td>{@code <context>/deploy/<env>}</td><td>failure</td></tr>
 * <tr><td>service-rolled-back</td><td>{@code <context>/deploy/<env>}</td><td>failure, "Rolled back in ..."</td></tr>
 * </table>
 *
 * Any other event, or one whose source commit or repository is not known (a chain whose start this notifier did not
 * see), gives none.
 */
final class CommitStatuses {

    private CommitStatuses() {
    }

    static List<CommitStatus> of(ChannelConfig channel, EventEnvelope<?> envelope, EventFacts f,
            ChainTracker.Chain chain) {
        boolean build = f.type() == EventType.BUILD_QUEUED || f.type() == EventType.BUILD_STARTED
                || f.type() == EventType.BUILD_FINISHED;
        // the source commit: tag-updated's own commit is the config repository's
        String sha = chain.commit() != null ? chain.commit() : build ? f.commit() : null;
        if (sha == null) {
            return List.of();
        }
        String repository = repository(channel.repository(), f, chain);
        if (repository == null) {
            return List.of();
        }
        List<CommitStatus> statuses = new ArrayList<>();
        switch (f.type()) {
            case BUILD_QUEUED -> statuses.add(status(channel, repository, sha, f, null, CommitStatus.State.PENDING,
                    "Build queued"));
            case BUILD_STARTED -> statuses.add(status(channel, repository, sha, f, null, CommitStatus.State.RUNNING,
                    "Building"));
            case BUILD_FINISHED -> {
                CommitStatus.State state = switch (f.outcome()) {
                    case "success" -> CommitStatus.State.SUCCESS;
                    case "skipped", "superseded" -> CommitStatus.State.CANCELLED;
                    default -> CommitStatus.State.FAILURE;
                };
                statuses.add(status(channel, repository, sha, f, null, state, "Build " + f.outcome()
                        + duration(f) + reason(f)));
            }
            case TAG_UPDATED -> {
                boolean failed = "failure".equals(f.outcome());
                if ("updated".equals(f.outcome()) || failed) {
                    for (String environment : environments(envelope)) {
                        statuses.add(status(channel, repository, sha, f, environment,
                                failed ? CommitStatus.State.FAILURE : CommitStatus.State.PENDING,
                                failed ? "Config not written for " + environment + reason(f)
                                        : "Deploying to " + environment));
                    }
                }
            }
            case SERVICE_DEPLOYED, SERVICE_UPGRADED -> {
                if (f.environment() != null) {
                    statuses.add(status(channel, repository, sha, f, f.environment(), CommitStatus.State.SUCCESS,
                            "Deployed to " + f.environment()
                                    + duration(f)));
                }
            }
            case DEPLOYMENT_FAILED -> {
                if (f.environment() != null) {
                    statuses.add(status(channel, repository, sha, f, f.environment(), CommitStatus.State.FAILURE,
                            "Deployment failed in " + f.environment() + reason(f)));
                }
            }
            case SERVICE_ROLLED_BACK -> {
                if (f.environment() != null) {
                    statuses.add(status(channel, repository, sha, f, f.environment(), CommitStatus.State.FAILURE,
                            "Rolled back in " + f.environment() + reason(f)));
                }
            }
            default -> {
                // no stage of the source commit
            }
        }
        return statuses;
    }

    private static CommitStatus status(ChannelConfig channel, String repository, String sha, EventFacts f,
            String environment, CommitStatus.State state, String description) {
        String context = channel.context() + (environment == null ? "/build" : "/deploy/" + environment);
        Map<String, String> values = new LinkedHashMap<>();
        values.put("chainId", f.chainId());
        values.put("commit", sha);
        values.put("repository", repository);
        values.put("app", f.app());
        values.put("environment", environment);
        String link = channel.targetUrl().map(t -> Templates.fill(t, values)).orElse(null);
        return new CommitStatus(repository, sha, context, state, cut(description), link);
    }

    private static String repository(String template, EventFacts f, ChainTracker.Chain chain) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("path", chain.repositoryPath());
        values.put("repository", chain.repository() != null ? chain.repository() : f.repository());
        values.put("app", f.app());
        return Templates.fill(template, values);
    }

    private static List<String> environments(EventEnvelope<?> envelope) {
        if (envelope.data() instanceof TagUpdated e && e.changes() != null) {
            return e.changes().stream().map(TagUpdated.FileChange::environment).filter(Objects::nonNull).distinct()
                    .toList();
        }
        return List.of();
    }

    private static String duration(EventFacts f) {
        return f.durationMs() == null || f.durationMs() <= 0 ? "" : " in " + Templates.duration(f.durationMs());
    }

    private static String reason(EventFacts f) {
        return f.reason() == null || f.reason().isBlank() ? "" : ": " + f.reason().strip();
    }

    private static String cut(String description) {
        String line = description.replaceAll("\\s+", " ");
        return line.length() <= CommitStatus.DESCRIPTION_MAX ? line
                : line.substring(0, CommitStatus.DESCRIPTION_MAX - 1) + "…";
    }
}
