package dev.quayside.configsyncer.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quayside.configsyncer.client.GitClient;
import dev.quayside.configsyncer.client.GitException;
import dev.quayside.configsyncer.config.ConfigSyncerConfig;
import dev.quayside.configsyncer.service.ConfigRepo;
import dev.quayside.configsyncer.service.Repositories;
import dev.quayside.configsyncer.service.SyncSettings;
import dev.quayside.configsyncer.service.TestRepo;
import dev.quayside.configsyncer.writeback.AppActions;
import dev.quayside.configsyncer.writeback.HeldBuilds;
import dev.quayside.configsyncer.writeback.WriteBackService;
import dev.quayside.devstack.git.SshGitServer;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A config repository reached over {@code ssh://} from a real SSH server ({@link SshGitServer}, Apache MINA sshd
 * serving upload-pack and receive-pack), configured as a user would ({@code ssh-key} and {@code known-hosts}, service-
 * wide and per repository): a suspension is fetched, committed and pushed over SSH and arrives in the served bare
 * repository, and the readiness check sees the branch; a repository whose known_hosts does not hold the server's host
 * key is refused with a message that says so, in the write-back and in the readiness check, and nothing is written; a
 * configured key or known_hosts that cannot be read stops the start.
 */
class SshConfigRepositoryTest {

    static final String WEB = "marathon/prod/web.json";

    @TempDir
    Path dir;
    TestRepo repo;
    SshGitServer server;
    Path emptyKnownHosts;
    Repositories repositories;
    GitClient git;

    @BeforeEach
    void setUp() throws Exception {
        repo = TestRepo.create(dir); // the bare remote is <dir>/remote.git: served as "remote"
        repo.commit("web 1", Map.of(WEB, "{\"id\": \"/prod/web\", \"container\": {\"docker\": {\"image\": "
                + "\"registry.example.com/web:1111111aaaaa\"}}}\n", "quayside.yml", "environments:\n  prod: {}\n"));
        repo.push();
        server = SshGitServer.start(dir, dir.resolve("keys"));
        emptyKnownHosts = Files.writeString(dir.resolve("keys/empty_known_hosts"), "");
        Map<String, String> properties = Map.of(
                "quayside.config-syncer.work-dir", dir.resolve("syncer").toString(),
                "quayside.config-syncer.ssh-key", server.clientKey().toString(),
                "quayside.config-syncer.known-hosts", server.knownHosts().toString(),
                "quayside.config-syncer.repositories.deploy.clone-url", server.url("remote"),
                "quayside.config-syncer.repositories.stranger.clone-url", server.url("remote"),
                "quayside.config-syncer.repositories.stranger.known-hosts", emptyKnownHosts.toString());
        ConfigSyncerConfig config = config(properties);
        repositories = new Repositories(config);
        git = new GitClient(config);
    }

    static ConfigSyncerConfig config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder().withMapping(ConfigSyncerConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter()).withDefaultValues(properties).build()
                .getConfigMapping(ConfigSyncerConfig.class);
    }

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.close();
        }
        repo.close();
    }

    AppActions actions() {
        return new AppActions(new WriteBackService(git, SyncSettings.defaults()), HeldBuilds.NONE,
                Clock.fixed(Instant.parse("2026-12-06T10:00:00Z"), ZoneOffset.UTC));
    }

    ConfigRepo named(String name) {
        return repositories.byName(name).orElseThrow();
    }

    @Test
    void aSuspensionIsPushedOverSshIntoTheServedRepository() throws Exception {
        ObjectId before = repo.remoteHead();

        AppActions.Done done = actions().suspend(named("deploy"), new AppActions.Request("web", "prod", "ada", "ssh"));

        assertThat(done.commit()).isNotNull().isNotEqualTo(before).isEqualTo(repo.remoteHead());
        assertThat(repo.remoteText(".quayside/suspended/prod/web.yml")).contains("\nby: ada\n");
        HealthCheckResponse ready = new GitRemoteReadiness(repositories, git).call();
        assertThat(ready.getData().orElseThrow()).containsEntry("deploy", done.commit().name());
    }

    @Test
    void aKeyOrKnownHostsFileThatCannotBeReadStopsTheStartNamingEachKey() {
        Map<String, String> properties = Map.of(
                "quayside.config-syncer.ssh-key", dir.resolve("keys/id_nothing").toString(),
                "quayside.config-syncer.repositories.deploy.clone-url", server.url("remote"),
                "quayside.config-syncer.repositories.deploy.known-hosts", dir.resolve("keys").toString(),
                "quayside.config-syncer.sources.web.url", server.url("web"),
                "quayside.config-syncer.sources.web.ssh-key", dir.resolve("keys/id_web").toString());

        assertThatThrownBy(() -> new GitClient(config(properties))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("quayside.config-syncer.ssh-key " + dir.resolve("keys/id_nothing")
                        + " is not a readable file; quayside.config-syncer.repositories.deploy.known-hosts "
                        + dir.resolve("keys") + " is not a readable file; quayside.config-syncer.sources.web.ssh-key "
                        + dir.resolve("keys/id_web") + " is not a readable file");
    }

    @Test
    void aServerWhoseHostKeyIsNotKnownIsRefusedWithAClearMessageAndNothingIsWritten() throws Exception {
        ObjectId before = repo.remoteHead();
        String refused = "the SSH host key of [127.0.0.1]:" + server.url("remote").replaceAll(".*:(\\d+)/.*", "$1")
                + " is not in known_hosts " + emptyKnownHosts + ": refused";

        assertThatThrownBy(() -> actions().suspend(named("stranger"), new AppActions.Request("web", "prod", "ada",
                "ssh"))).isInstanceOf(GitException.class).hasMessageStartingWith("fetch of main from stranger failed: ")
                .hasMessageContaining(refused);

        assertThat(repo.remoteHead()).as("nothing written").isEqualTo(before);
        assertThat(emptyKnownHosts).as("the key is never accepted into known_hosts").isEmptyFile();
        HealthCheckResponse ready = new GitRemoteReadiness(repositories, git).call();
        assertThat(ready.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(ready.getData().orElseThrow()).containsEntry("deploy", before.name())
                .hasEntrySatisfying("stranger", reason -> assertThat(reason).asString()
                        .startsWith("ls-remote of stranger failed: ").contains(refused));
    }
}
