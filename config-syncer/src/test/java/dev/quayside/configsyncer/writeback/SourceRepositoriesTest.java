package dev.quayside.configsyncer.writeback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quayside.configsyncer.config.ConfigSyncerConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Which source repositories config-syncer fetches to order builds: a local one ({@code file:}, a path) only when
 * {@code allow-local-sources} is set, so that an event naming a repository cannot make it read the host's disk.
 */
class SourceRepositoriesTest {

    static ConfigSyncerConfig.Source source(String url) {
        return new ConfigSyncerConfig.Source() {
            @Override
            public String url() {
                return url;
            }

            @Override
            public Optional<String> username() {
                return Optional.empty();
            }

            @Override
            public Optional<String> password() {
                return Optional.empty();
            }

            @Override
            public Optional<Path> sshKey() {
                return Optional.empty();
            }

            @Override
            public Optional<Path> knownHosts() {
                return Optional.empty();
            }
        };
    }

    @Test
    void aLocalTemplateIsRefusedUnlessLocalSourcesAreAllowed() {
        SourceRepositories refused = SourceRepositories.fromTemplate("file:///srv/git/{repository}.git", false);
        assertThat(refused.find("shop")).isEmpty();
        assertThat(refused.whyNot("shop")).contains("local").contains("quayside.config-syncer.allow-local-sources");
        for (String local : new String[] {"/srv/git/{repository}.git", "./git/{repository}.git"}) {
            assertThat(SourceRepositories.fromTemplate(local, false).find("shop")).as(local).isEmpty();
        }

        SourceRepositories allowed = SourceRepositories.fromTemplate("file:///srv/git/{repository}.git", true);
        assertThat(allowed.find("shop")).hasValueSatisfying(s -> assertThat(s.url()).isEqualTo("file:///srv/git/shop.git"));
        assertThat(SourceRepositories.fromTemplate("https://git.example.com/{repository}.git", false).find("shop"))
                .hasValueSatisfying(s -> assertThat(s.url()).isEqualTo("https://git.example.com/shop.git"));
    }

    @Test
    void aNameThatCouldLeaveTheTemplateIsRefused() {
        SourceRepositories sources = SourceRepositories.fromTemplate("https://git.example.com/{repository}.git", false);
        for (String name : new String[] {"../etc", "a/../../b", "x y", "", "a@b:c"}) {
            assertThat(sources.find(name)).as(name).isEmpty();
            assertThat(sources.whyNot(name)).as(name).contains("cannot stand in the source URL template");
        }
    }

    @Test
    void aListedLocalSourceStopsTheStartWithTheSettingToChange() {
        assertThatThrownBy(() -> new SourceRepositories(Map.of("shop", source("file:///srv/git/shop.git")), null, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("quayside.config-syncer.sources.shop.url is local")
                .hasMessageContaining("allow-local-sources=true");
        assertThat(new SourceRepositories(Map.of("shop", source("file:///srv/git/shop.git")), null, true).find("shop"))
                .isPresent();
    }
}
