package dev.quayside.notifier.service;

import dev.quayside.events.CommitPushed;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.ImageBuilt;
import dev.quayside.events.Promoted;
import dev.quayside.kit.security.Urls;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers, per chain, what the earlier events said (commit, author, image), so a deployment notification can tell the
 * whole story: "commit abc1234 by Alice → image app:abc1234 → deployed to staging in 42 s". Bounded (the most recent
 * chains); after a restart a chain's story starts from the first event seen, which only shortens the summary.
 */
@ApplicationScoped
public class ChainTracker {

    static final int MAX_CHAINS = 10_000;

    /**
     * What is known of one chain.
     *
     * @param commit         the source commit (the pushed one, or the one an image was built from)
     * @param repository     the source repository's name as Quayside watches it
     * @param repositoryPath the path of its clone URL without {@code .git}, e.g. {@code team/shop}; null when unknown
     */
    public record Chain(String commit, String author, String repositoryUrl, String image, Instant startedAt,
            String repository, String repositoryPath) {

        static final Chain UNKNOWN = new Chain(null, null, null, null, null, null, null);
    }

    private final Map<String, Chain> chains = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Chain> eldest) {
            return size() > MAX_CHAINS;
        }
    };

    /** Records what {@code envelope} adds to its chain and returns the chain as now known (never null). */
    public synchronized Chain observe(EventEnvelope<?> envelope) {
        String chainId = envelope.chainId();
        if (chainId == null) {
            return Chain.UNKNOWN;
        }
        Chain chain = chains.getOrDefault(chainId, Chain.UNKNOWN);
        if (envelope.data() instanceof CommitPushed e) {
            String author = e.commits() != null && !e.commits().isEmpty() && e.commits().get(e.commits().size() - 1)
                    .author() != null ? e.commits().get(e.commits().size() - 1).author().name()
                    : e.pusher() == null ? null : e.pusher().name();
            chain = new Chain(e.after(), author, webUrl(e.cloneUrl()), chain.image(), envelope.context().timestamp(),
                    e.repository(), path(e.cloneUrl()));
        } else if (envelope.data() instanceof ImageBuilt e) {
            chain = new Chain(chain.commit() == null ? e.commit() : chain.commit(), chain.author(),
                    chain.repositoryUrl(), e.name() + ":" + e.tag(), chain.startedAt(),
                    chain.repository() == null ? e.repository() : chain.repository(), chain.repositoryPath());
        }
        chains.put(chainId, chain);
        if (envelope.data() instanceof Promoted p && p.chain() != null && !p.chain().equals(chainId)) {
            promoted(p, chain, envelope.context().timestamp());
        }
        return chain;
    }

    /**
     * A promotion's sync and deployment run in a chain of their own ({@code Promoted.chain}): it gets the story of the
     * chain it was promoted from, or, when that one was not seen, the commit of the promotion's {@code source}
     * ({@code <repository>@<commit>}), so its statuses land on the same source commit.
     */
    private void promoted(Promoted p, Chain from, Instant at) {
        String commit = from.commit();
        String repository = from.repository();
        int sign = p.source() == null ? -1 : p.source().lastIndexOf('@');
        if (commit == null && sign > 0 && p.source().substring(sign + 1).matches("[0-9a-f]{7,64}")) {
            commit = p.source().substring(sign + 1);
            repository = repository == null ? p.source().substring(0, sign) : repository;
        }
        if (commit != null) {
            chains.put(p.chain(), new Chain(commit, from.author(), from.repositoryUrl(), p.image(), at, repository,
                    from.repositoryPath()));
        }
    }

    /** The one-line story of the chain up to {@code facts}, e.g. "commit abc1234 by X → image → deployed to staging in 42 s". */
    static String summary(Chain chain, EventFacts facts) {
        StringBuilder s = new StringBuilder();
        String commit = chain.commit() != null ? chain.commit() : facts.commit();
        if (commit != null) {
            s.append("commit ").append(commit, 0, Math.min(7, commit.length()));
            if (chain.author() != null) {
                s.append(" by ").append(chain.author());
            }
        }
        String image = chain.image();
        if (image == null && facts.type() == dev.quayside.events.EventType.IMAGE_BUILT) {
            image = facts.image();
        }
        if (image != null) {
            append(s, "image " + image);
        }
        String step = step(facts);
        if (step != null) {
            if (chain.startedAt() != null && facts.timestamp() != null && facts.timestamp().isAfter(chain.startedAt())) {
                step += " in " + Templates.duration(Duration.between(chain.startedAt(), facts.timestamp()).toMillis());
            } else if (facts.durationMs() != null && facts.durationMs() > 0) {
                step += " in " + Templates.duration(facts.durationMs());
            }
            append(s, step);
        }
        return s.toString();
    }

    private static String step(EventFacts f) {
        String where = f.environment() == null ? "" : " to " + f.environment();
        switch (f.type()) {
            case SERVICE_DEPLOYED:
            case SERVICE_UPGRADED:
                return "deployed" + where;
            case SERVICE_ROLLED_BACK:
                return "rolled back" + (f.environment() == null ? "" : " in " + f.environment());
            case DEPLOYMENT_FAILED:
                return "deployment failed" + (f.environment() == null ? "" : " in " + f.environment());
            case SERVICE_REMOVED:
                return "removed" + (f.environment() == null ? "" : " from " + f.environment());
            case BUILD_FINISHED:
                return "build " + f.outcome();
            case TAG_UPDATED:
                return "config " + f.outcome() + (f.environment() == null ? "" : " for " + f.environment());
            default:
                return null;
        }
    }

    private static void append(StringBuilder s, String part) {
        if (s.length() > 0) {
            s.append(" → ");
        }
        s.append(part);
    }

    /**
     * The repository's path on its host from a clone URL: {@code https://host/team/shop.git},
     * {@code ssh://git@host:22/team/shop.git} and {@code git@host:team/shop.git} give {@code team/shop}; null when
     * there is none (a local path, {@code file://}).
     */
    static String path(String cloneUrl) {
        if (cloneUrl == null || cloneUrl.startsWith("file:") || cloneUrl.startsWith("/")) {
            return null;
        }
        String path;
        int scheme = cloneUrl.indexOf("://");
        if (scheme >= 0) {
            int slash = cloneUrl.indexOf('/', scheme + 3);
            path = slash < 0 ? "" : cloneUrl.substring(slash + 1);
        } else {
            int colon = cloneUrl.indexOf(':');
            path = colon < 0 ? "" : cloneUrl.substring(colon + 1);
        }
        int query = path.indexOf('?');
        path = query < 0 ? path : path.substring(0, query);
        path = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        path = path.endsWith(".git") ? path.substring(0, path.length() - 4) : path;
        return path.isEmpty() ? null : path;
    }

    /** {@code https://user:token@host/org/repo.git} → {@code https://host/org/repo}; ssh and file URLs give null. */
    static String webUrl(String cloneUrl) {
        if (cloneUrl == null || !(cloneUrl.startsWith("https://") || cloneUrl.startsWith("http://"))) {
            return null;
        }
        String url = Urls.redact(cloneUrl);
        return url.endsWith(".git") ? url.substring(0, url.length() - 4) : url;
    }
}
