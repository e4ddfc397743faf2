package dev.quayside.configsyncer.writeback;

import dev.quayside.configsyncer.client.ConsulClient;
import dev.quayside.configsyncer.client.ConsulException;
import dev.quayside.configsyncer.client.GitException;
import dev.quayside.configsyncer.client.KvOp;
import dev.quayside.configsyncer.config.ConfigSyncerConfig;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The builds an environment followed while the app was suspended there, kept so that resuming it pins the newest of
 * them (Flux's image automation does the same on resume): {@code <held-builds-prefix>/<app>/<environment>} = a
 * {@link PinnedSource}. The write-back holds a build only when it is newer (by source-commit ancestry,
 * {@link SourceOrder}) than the one held; the resume pins it only when it is newer than what is pinned, and deletes
 * the record after its commit is pushed.
 */
public class HeldBuilds {

    private static final Logger LOG = Logger.getLogger(HeldBuilds.class);

    /** No builds are held (tools and tests without Consul): a resume only resumes. */
    public static final HeldBuilds NONE = new HeldBuilds(null, (String) null, null, null);

    private final ConsulClient consul;
    private final String prefix;
    private final ImageKeys keys;
    private final SourceOrder order;

    public HeldBuilds(ConsulClient consul, ConfigSyncerConfig config, ImageKeys keys, SourceOrder order) {
        this(consul, config.heldBuildsPrefix(), keys, order);
    }

    private HeldBuilds(ConsulClient consul, String prefix, ImageKeys keys, SourceOrder order) {
        this.consul = consul;
        this.prefix = prefix;
        this.keys = keys;
        this.order = order;
    }

    /**
     * Holds {@code build} for {@code app} in each of {@code environments} where it is newer than the build held there;
     * returns what went wrong ({@code held builds not recorded: …}), or null.
     */
    public String hold(String app, PinnedSource build, List<String> environments) {
        if (consul == null || environments.isEmpty()) {
            return null;
        }
        try {
            Map<String, PinnedSource> held = held(app);
            SourceOrder.Ordering ordering = order.of(build, held);
            List<KvOp> ops = new java.util.ArrayList<>();
            for (String env : environments) {
                if (newerThanHeld(ordering, env, held.get(env))) {
                    ops.add(KvOp.set(key(app, env), build.toJson()));
                }
            }
            if (ops.isEmpty()) {
                return null;
            }
            ConsulClient.TxnOutcome outcome = consul.txn(ops);
            return outcome.committed() ? null : "held builds not recorded: " + outcome.errors();
        } catch (ConsulException | GitException | IllegalArgumentException e) {
            LOG.warnf("held build of %s not recorded: %s", app, e.getMessage());
            return "held builds not recorded: " + e.getMessage();
        }
    }

    /** Whether the build {@code ordering} orders is newer than {@code now}; the newest arrival when they have no order. */
    private static boolean newerThanHeld(SourceOrder.Ordering ordering, String environment, PinnedSource now)
            throws GitException {
        if (now == null) {
            return true;
        }
        try {
            return ordering.decide(environment, now.image(), () -> null).verdict() == SourceOrder.Verdict.PIN;
        } catch (SourceOrder.UnorderableException e) {
            LOG.debugf("held builds of %s: %s; the newest arrival is held", environment, e.getMessage());
            return true;
        }
    }

    /** The build held for {@code app} in {@code environment}, if any. */
    public Optional<PinnedSource> held(String app, String environment) throws ConsulException {
        return consul == null ? Optional.empty() : Optional.ofNullable(held(app).get(environment));
    }

    /**
     * Whether {@code build} may replace what is pinned for {@code app} in {@code environment}, whose definition holds
     * {@code image} in Git now: newer than the pinned build, and not that image already. A build that cannot be
     * ordered (its source repository cannot be fetched) is not pinned.
     */
    public boolean newer(PinnedSource build, String app, String environment, String image)
            throws ConsulException, GitException {
        if (consul == null || build.image().equals(image)) {
            return false;
        }
        try {
            return order.of(build, keys.pinned(app)).decide(environment, image, () -> null).verdict()
                    == SourceOrder.Verdict.PIN;
        } catch (SourceOrder.UnorderableException e) {
            LOG.warnf("held build %s of %s in %s not pinned on resume: %s", build.image(), app, environment,
                    e.getMessage());
            return false;
        }
    }

    /**
     * After a resume's commit is pushed: records {@code pinned} (the held build it pinned, or null) in the image keys
     * and deletes the held record.
     */
    public void resumed(String app, String environment, PinnedSource pinned) {
        if (consul == null) {
            return;
        }
        if (pinned != null) {
            String problem = keys.write(app, pinned, List.of(environment));
            if (problem != null) {
                LOG.warnf("resume of %s in %s: %s", app, environment, problem);
            }
        }
        try {
            consul.txn(List.of(KvOp.delete(key(app, environment))));
        } catch (ConsulException e) {
            LOG.warnf("held build of %s in %s not deleted after its resume: %s", app, environment, e.getMessage());
        }
    }

    private Map<String, PinnedSource> held(String app) throws ConsulException {
        return ImageKeys.records(consul, prefix + "/" + app + "/");
    }

    private String key(String app, String environment) {
        return prefix + "/" + app + "/" + environment;
    }
}
