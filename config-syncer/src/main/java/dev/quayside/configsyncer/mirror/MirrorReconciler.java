package dev.quayside.configsyncer.mirror;

import dev.quayside.configsyncer.client.ConsulException;
import dev.quayside.configsyncer.client.GitClient;
import dev.quayside.configsyncer.client.GitException;
import dev.quayside.configsyncer.service.ConfigRepo;
import dev.quayside.configsyncer.service.ImageBuiltHandler;
import dev.quayside.configsyncer.service.Repositories;
import dev.quayside.events.ConfigSynced;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.EventIds;
import dev.quayside.events.EventType;
import dev.quayside.kit.messaging.EventPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;
import org.jboss.logging.Logger;

/**
 * The mirror's backstop: for every configured repository and mirrored branch, announces a sync that Consul has but
 * that was never announced (a crash or a broker outage between the Consul write and the event), and mirrors a branch
 * whose head Consul's ref does not have (a sync that failed, a push event that was lost). Runs when the service starts
 * and every {@code reconcile-interval}.
 */
@ApplicationScoped
public class MirrorReconciler {

    private static final Logger LOG = Logger.getLogger(MirrorReconciler.class);

    private final Repositories repositories;
    private final MirrorService mirror;
    private final GitClient git;
    private final EventPublisher publisher;

    MirrorReconciler(Repositories repositories, MirrorService mirror, GitClient git, EventPublisher publisher) {
        this.repositories = repositories;
        this.mirror = mirror;
        this.git = git;
        this.publisher = publisher;
    }

    /**
     * One pass over every repository and branch; {@code grace}: how old an unannounced sync must be before it is
     * announced here (a sync just written is normally being announced by whoever wrote it). Returns how many syncs
     * were announced.
     */
    public int reconcile(Duration grace) {
        int announced = 0;
        for (ConfigRepo repo : repositories.all()) {
            for (String branch : repo.branches()) {
                try {
                    announced += reconcile(repo, branch, grace);
                } catch (ConsulException | GitException | RuntimeException e) {
                    LOG.warnf("reconcile of %s/%s failed, will try again: %s", repo.name(), branch, e.getMessage());
                }
            }
        }
        return announced;
    }

    private int reconcile(ConfigRepo repo, String branch, Duration grace) throws ConsulException, GitException {
        int announced = 0;
        Optional<MirrorService.Unannounced> pending = mirror.unannounced(repo, branch, grace);
        if (pending.isPresent()) {
            ConfigSynced s = pending.get().event();
            LOG.infof("%s/%s@%s was synced into Consul but never announced: announcing it now", repo.name(), branch,
                    s.toCommit());
            announce(repo, s, pending.get().chainId());
            announced++;
        }
        ObjectId head = git.workspace(repo.name(), repo.cloneUrl(), repo.username(), repo.password()).lsRemote(branch);
        String synced = mirror.syncedCommit(repo, branch);
        if (head != null && !head.name().equals(synced)) {
            LOG.infof("%s/%s: Consul has %s, Git has %s: mirroring", repo.name(), branch, synced, head.name());
            Optional<ConfigSynced> result = mirror.sync(repo, branch, null);
            if (result.isPresent() && result.get().outcome() == ConfigSynced.Outcome.SYNCED) {
                announce(repo, result.get(), null);
                announced++;
            } else {
                result.ifPresent(r -> LOG.warnf("reconcile of %s/%s: %s", repo.name(), branch, r.reason()));
            }
        }
        return announced;
    }

    /**
     * Mirrors {@code branch} now (an operator's request) and announces the sync, as a push would have (once per app whose
     * definitions changed, {@link MirrorService#announcements}): returns it whole, or empty when Consul already had the
     * head.
     */
    public Optional<ConfigSynced> syncNow(ConfigRepo repo, String branch) {
        Optional<ConfigSynced> synced = mirror.sync(repo, branch, null);
        synced.filter(s -> s.outcome() == ConfigSynced.Outcome.SYNCED).ifPresent(s -> announce(repo, s, null));
        return synced;
    }

    /**
     * Publishes {@code s}'s announcements with the ids their first announcement would have had, in {@code chainId}, and
     * records it.
     */
    private void announce(ConfigRepo repo, ConfigSynced s, String chainId) {
        publisher.publish(mirror.announcements(repo, s).stream().<EventEnvelope<?>>map(a -> envelope(a, chainId))
                .toList());
        mirror.announced(repo, s.branch(), s.toCommit());
    }

    /** The envelope of a sync announced without an incoming event: the same id as {@code incoming.next(...)} gives. */
    public static EventEnvelope<ConfigSynced> envelope(ConfigSynced s, String chainId) {
        return envelope(s, chainId, idParts(s));
    }

    /** The envelope of a sync announced in chain {@code chainId} without an incoming event, its id made of {@code idParts}. */
    public static EventEnvelope<ConfigSynced> envelope(ConfigSynced s, String chainId, String... idParts) {
        String id = EventIds.of(EventType.CONFIG_SYNCED, idParts);
        return EventEnvelope.of(s, ImageBuiltHandler.SOURCE, id, chainId, Instant.now());
    }

    /**
     * The parts of a {@link ConfigSynced}'s deterministic id: the sync (repository, branch, commit, outcome), and the app
     * of one app's announcement, so that each app's announcement of one sync has an id of its own.
     */
    public static String[] idParts(ConfigSynced s) {
        return withApp(new String[] {s.configRepository(), s.branch(), String.valueOf(s.toCommit()),
                s.outcome().name()}, s);
    }

    /** {@code parts} followed by {@code s}'s app, when it is one app's announcement. */
    public static String[] withApp(String[] parts, ConfigSynced s) {
        if (s.app() == null) {
            return parts;
        }
        String[] all = Arrays.copyOf(parts, parts.length + 2);
        all[parts.length] = "app";
        all[parts.length + 1] = s.app();
        return all;
    }
}
