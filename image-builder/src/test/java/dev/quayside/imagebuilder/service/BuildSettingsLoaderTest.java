package dev.quayside.imagebuilder.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quayside.imagebuilder.config.BuilderConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BuildSettingsLoaderTest {

    private static BuildSettingsLoader loader(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(BuilderConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter()).withDefaultValues(properties).build();
        return new BuildSettingsLoader(config.getConfigMapping(BuilderConfig.class));
    }

    private static final BuildSettingsLoader DEFAULTS = loader(Map.of());

    @Test
    void withoutAFileTheServiceDefaultsApply() {
        BuildSettings settings = DEFAULTS.load("Sample_App", "main", Optional.empty());
        assertThat(settings.image()).isEqualTo("sample_app");
        assertThat(settings.dockerfile()).isEqualTo("Dockerfile");
        assertThat(settings.context()).isEqualTo(".");
        assertThat(settings.extraTags()).containsExactly("main", "latest");
        assertThat(settings.timeout()).isEqualTo(Duration.ofMinutes(15));
        assertThat(settings.target()).isNull();
        assertThat(settings.fromFile()).isFalse();
    }

    @Test
    void latestIsOnlyForTheLatestBranchAndBranchNamesBecomeValidTags() {
        assertThat(DEFAULTS.load("app", "feature/login", Optional.empty()).extraTags()).containsExactly("feature-login");
        assertThat(loader(Map.of("quayside.builder.latest-branch", "trunk")).load("app", "trunk", Optional.empty())
                .extraTags()).containsExactly("trunk", "latest");
    }

    @Test
    void theFileOverridesEveryDefault() {
        BuildSettings settings = loader(Map.of("quayside.builder.build-args.BASE", "scratch",
                "quayside.builder.image-prefix", "team/")).load("app", "dev", Optional.of(String.join("\n",
                        "image: team/web",
                        "context: services/web",
                        "dockerfile: docker/Dockerfile",
                        "target: runtime",
                        "buildArgs: {VERSION: '2', BASE: busybox}",
                        "tags: ['{branch}-build', latest]",
                        "timeout: 90s")));
        assertThat(settings).isEqualTo(new BuildSettings("team/web", "services/web", "docker/Dockerfile", "runtime",
                Map.of("VERSION", "2", "BASE", "busybox"), java.util.List.of("dev-build", "latest"),
                Duration.ofSeconds(90), true));
        assertThat(loader(Map.of("quayside.builder.image-prefix", "team/")).load("app", "main", Optional.empty())
                .image()).isEqualTo("team/app");
    }

    @Test
    void anEmptyFileMeansDefaults() {
        assertThat(DEFAULTS.load("app", "main", Optional.of("# nothing\n")).image()).isEqualTo("app");
    }

    @Test
    void eachBadInputGetsAMessageNamingTheKey() {
        assertThatThrownBy(() -> DEFAULTS.load("app", "main", Optional.of("image: \"unclosed\ntags: []")))
                .isInstanceOf(InvalidSettingsException.class).hasMessageStartingWith(".quayside.yml is not valid YAML: ");
        assertThatThrownBy(() -> DEFAULTS.load("app", "main", Optional.of("- image: x")))
                .hasMessage(".quayside.yml must be a mapping of keys (image, context, dockerfile, target, buildArgs, tags, "
                        + "timeout), not array");
        assertThatThrownBy(() -> DEFAULTS.load("app", "main", Optional.of("imgae: x")))
                .hasMessage(".quayside.yml: unknown key 'imgae' (allowed: image, context, dockerfile, target, buildArgs, "
                        + "tags, timeout)");
        assertThatThrownBy(() -> DEFAULTS.load("app", "main", Optional.of("tags: latest")))
                .hasMessageStartingWith(".quayside.yml: wrong type at 'tags': ");
        assertThatThrownBy(() -> DEFAULTS.load("app", "main", Optional.of("image: Team/App")))
                .hasMessageStartingWith(".quayside.yml: 'image' value 'Team/App' is invalid: lower-case path segments");
        assertThatThrownBy(() -> DEFAULTS.load("app", "main", Optional.of("dockerfile: ../Dockerfile")))
                .hasMessage(".quayside.yml: 'dockerfile' ../Dockerfile must be a path inside the repository");
        assertThatThrownBy(() -> DEFAULTS.load("app", "main", Optional.of("context: /etc")))
                .hasMessage(".quayside.yml: 'context' /etc must be a path inside the repository");
        assertThatThrownBy(() -> DEFAULTS.load("app", "main", Optional.of("tags: ['v:1']")))
                .hasMessage(".quayside.yml: tag 'v:1' gives 'v:1', not a valid Docker tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})");
        assertThatThrownBy(() -> DEFAULTS.load("app", "main", Optional.of("timeout: soon")))
                .hasMessage(".quayside.yml: 'timeout' soon is not a duration (e.g. 90s, 5m, 1h or PT10M)");
        assertThatThrownBy(() -> DEFAULTS.load("app", "main", Optional.of("timeout: 2h")))
                .hasMessage(".quayside.yml: 'timeout' 2h is longer than the service's limit PT15M (quayside.builder.timeout)");
        assertThatThrownBy(() -> DEFAULTS.load("app", "main", Optional.of("target: ''")))
                .hasMessage(".quayside.yml: 'target' is empty (leave it out to build the last stage)");
        assertThatThrownBy(() -> DEFAULTS.load("---", "main", Optional.empty()))
                .hasMessage("repository name '---' gives no valid image name (''): set 'image' in .quayside.yml");
    }

    @Test
    void aMissingFileFailsWhenTheServiceRequiresOne() {
        assertThatThrownBy(() -> loader(Map.of("quayside.builder.require-settings-file", "true"))
                .load("app", "main", Optional.empty())).isInstanceOf(InvalidSettingsException.class)
                .hasMessage(".quayside.yml is missing at this commit, and quayside.builder.require-settings-file is "
                        + "true: add it at the repository root");
    }
}
