package dev.quayside.imagebuilder.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quayside.imagebuilder.config.BuilderConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BuildSettingsLoaderTest {

    private static BuildSettingsLoader loader(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(BuilderConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter()).withDefaultValues(properties).build();
        BuilderConfig builder = config.getConfigMapping(BuilderConfig.class);
        return new BuildSettingsLoader(builder, new RepositoryCatalog(builder));
    }

    private static final BuildSettingsLoader DEFAULTS = loader(Map.of());

    @Test
    void withoutAFileTheServiceDefaultsApply() {
        BuildSettings settings = DEFAULTS.load("Sample_App", "refs/heads/main", Optional.empty());
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
        assertThat(DEFAULTS.load("app", "refs/heads/feature/login", Optional.empty()).extraTags())
                .containsExactly("feature-login");
        assertThat(loader(Map.of("quayside.builder.latest-branch", "trunk"))
                .load("app", "refs/heads/trunk", Optional.empty()).extraTags()).containsExactly("trunk", "latest");
    }

    @Test
    void theFileOverridesEveryDefault() {
        BuildSettings settings = loader(Map.of("quayside.builder.repositories.app.build-args.BASE", "scratch",
                "quayside.builder.image-prefix", "team/")).load("app", "refs/heads/dev", Optional.of(String.join("\n",
                        "image: team/app/web",
                        "context: services/web",
                        "dockerfile: docker/Dockerfile",
                        "target: runtime",
                        "buildArgs: {VERSION: '2', BASE: busybox}",
                        "tags: ['{branch}-build', latest]",
                        "timeout: 90s")));
        assertThat(settings).isEqualTo(new BuildSettings("team/app/web", "services/web", "docker/Dockerfile", "runtime",
                Map.of("VERSION", "2", "BASE", "busybox"), java.util.List.of("dev-build", "latest"),
                Duration.ofSeconds(90), java.util.List.of(), true));
        assertThat(loader(Map.of("quayside.builder.image-prefix", "team/"))
                .load("app", "refs/heads/main", Optional.empty()).image()).isEqualTo("team/app");
    }

    @Test
    void anEmptyFileMeansDefaults() {
        assertThat(DEFAULTS.load("app", "refs/heads/main", Optional.of("# nothing\n")).image()).isEqualTo("app");
    }

    @Test
    void eachBadInputGetsAMessageNamingTheKey() {
        assertThatThrownBy(() -> DEFAULTS.load("app", "refs/heads/main", Optional.of("image: \"unclosed\ntags: []")))
                .isInstanceOf(InvalidSettingsException.class).hasMessageStartingWith(".quayside.yml is not valid YAML: ");
        assertThatThrownBy(() -> DEFAULTS.load("app", "refs/heads/main", Optional.of("- image: x")))
                .hasMessage(".quayside.yml must be a mapping of keys (image, context, dockerfile, target, buildArgs, tags, "
                        + "buildTags, timeout), not array");
        assertThatThrownBy(() -> DEFAULTS.load("app", "refs/heads/main", Optional.of("imgae: x")))
                .hasMessage(".quayside.yml: unknown key 'imgae' (allowed: image, context, dockerfile, target, buildArgs, "
                        + "tags, buildTags, timeout)");
        assertThatThrownBy(() -> DEFAULTS.load("app", "refs/heads/main", Optional.of("tags: latest")))
                .hasMessageStartingWith(".quayside.yml: wrong type at 'tags': ");
        assertThatThrownBy(() -> DEFAULTS.load("app", "refs/heads/main", Optional.of("image: Team/App")))
                .hasMessageStartingWith(".quayside.yml: 'image' value 'Team/App' is invalid: lower-case path segments");
        assertThatThrownBy(() -> DEFAULTS.load("app", "refs/heads/main", Optional.of("dockerfile: ../Dockerfile")))
                .hasMessage(".quayside.yml: 'dockerfile' ../Dockerfile must be a path inside the repository");
        assertThatThrownBy(() -> DEFAULTS.load("app", "refs/heads/main", Optional.of("context: /etc")))
                .hasMessage(".quayside.yml: 'context' /etc must be a path inside the repository");
        assertThatThrownBy(() -> DEFAULTS.load("app", "refs/heads/main", Optional.of("tags: ['v:1']")))
                .hasMessage(".quayside.yml: tag 'v:1' gives 'v:1', not a valid Docker tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})");
        assertThatThrownBy(() -> DEFAULTS.load("app", "refs/heads/main", Optional.of("timeout: soon")))
                .hasMessage(".quayside.yml: 'timeout' soon is not a duration (e.g. 90s, 5m, 1h or PT10M)");
        assertThatThrownBy(() -> DEFAULTS.load("app", "refs/heads/main", Optional.of("timeout: 2h")))
                .hasMessage(".quayside.yml: 'timeout' 2h is longer than the service's limit PT15M (quayside.builder.timeout)");
        assertThatThrownBy(() -> DEFAULTS.load("app", "refs/heads/main", Optional.of("target: ''")))
                .hasMessage(".quayside.yml: 'target' is empty (leave it out to build the last stage)");
        assertThatThrownBy(() -> DEFAULTS.load("---", "refs/heads/main", Optional.empty()))
                .hasMessage("repository name '---' gives no valid image name (''): set "
                        + "quayside.builder.repositories.\"---\".image-namespace");
    }

    @Test
    void aMissingFileFailsWhenTheServiceRequiresOne() {
        assertThatThrownBy(() -> loader(Map.of("quayside.builder.require-settings-file", "true"))
                .load("app", "refs/heads/main", Optional.empty())).isInstanceOf(InvalidSettingsException.class)
                .hasMessage(".quayside.yml is missing at this commit, and quayside.builder.require-settings-file is "
                        + "true: add it at the repository root");
    }

    @Test
    void anImageOutsideTheRepositorysNamespaceIsRefusedSayingWhatItOwns() {
        assertThat(DEFAULTS.load("web", "refs/heads/main", Optional.of("image: web/worker")).image())
                .isEqualTo("web/worker");
        assertThatThrownBy(() -> DEFAULTS.load("web", "refs/heads/main", Optional.of("image: billing")))
                .isInstanceOf(InvalidSettingsException.class)
                .hasMessage(".quayside.yml: 'image' billing is outside the image namespace of repository web: it owns "
                        + "web and web/...");
        assertThatThrownBy(() -> DEFAULTS.load("web", "refs/heads/main", Optional.of("image: webshop")))
                .as("a name that only starts like the namespace").isInstanceOf(InvalidSettingsException.class);

        BuildSettingsLoader configured = loader(Map.of(
                "quayside.builder.repositories.shop.image-namespace", "acme/shop",
                "quayside.builder.repositories.payments.image-namespace", "acme/shop/payments",
                "quayside.builder.image-prefix", "team/"));
        assertThat(configured.load("shop", "refs/heads/main", Optional.empty()).image()).isEqualTo("acme/shop");
        assertThat(configured.load("shop", "refs/heads/main", Optional.of("image: acme/shop/web")).image())
                .isEqualTo("acme/shop/web");
        assertThatThrownBy(() -> configured.load("shop", "refs/heads/main", Optional.of("image: team/shop")))
                .hasMessage(".quayside.yml: 'image' team/shop is outside the image namespace of repository shop: it "
                        + "owns acme/shop and acme/shop/...");
        assertThatThrownBy(() -> configured.load("shop", "refs/heads/main",
                Optional.of("image: acme/shop/payments/api")))
                .as("the deeper namespace belongs to the repository that is given it")
                .hasMessage(".quayside.yml: 'image' acme/shop/payments/api is in the image namespace acme/shop/payments "
                        + "of repository payments, not of shop");
        assertThat(configured.load("payments", "refs/heads/main", Optional.of("image: acme/shop/payments/api"))
                .image()).isEqualTo("acme/shop/payments/api");
    }

    @Test
    void buildArgsComeFromTheRepositorysConfigurationAndItsFileOnly() {
        BuildSettingsLoader configured = loader(Map.of(
                "quayside.builder.repositories.a.build-args.TOKEN_URL", "https://npm.internal/a",
                "quayside.builder.repositories.a.build-args.BASE", "scratch"));
        assertThat(configured.load("a", "refs/heads/main", Optional.of("buildArgs: {BASE: busybox, V: '1'}"))
                .buildArgs()).isEqualTo(Map.of("TOKEN_URL", "https://npm.internal/a", "BASE", "busybox", "V", "1"));
        assertThat(configured.load("b", "refs/heads/main", Optional.empty()).buildArgs())
                .as("another repository's build args never reach this one").isEmpty();
        assertThatThrownBy(() -> configured.load("b", "refs/heads/main", Optional.of("buildArgs: {'A=B': x}")))
                .hasMessage(".quayside.yml: 'buildArgs' name 'A=B' is not a build-arg name ([A-Za-z_][A-Za-z0-9_]{0,127})");
    }

    @Test
    void tagBuildsAreTaggedWithTheTagNameAndOnlyTheBuildTagsPatternsAreBuilt() {
        BuildSettings release = DEFAULTS.load("app", "refs/tags/v1.2.0", Optional.of("buildTags: ['v*']"));
        assertThat(release.extraTags()).containsExactly("v1.2.0");
        assertThat(release.buildTags()).containsExactly("v*");
        assertThat(BuildSettingsLoader.buildsTag(release.buildTags(), "v1.2.0")).isTrue();
        assertThat(BuildSettingsLoader.buildsTag(release.buildTags(), "nightly")).isFalse();
        assertThat(BuildSettingsLoader.buildsTag(List.of("release/*"), "release/2024.1")).isTrue();
        assertThat(BuildSettingsLoader.buildsTag(List.of("release/*"), "release/a/b")).isFalse();
        assertThat(BuildSettingsLoader.buildsTag(List.of("release/**"), "release/a/b")).isTrue();
        assertThat(DEFAULTS.load("app", "refs/tags/v1", Optional.empty()).buildTags()).as("none by default").isEmpty();
        assertThat(loader(Map.of("quayside.builder.build-tags", "v*,release-*"))
                .load("app", "refs/tags/v1", Optional.empty()).buildTags()).containsExactly("v*", "release-*");
        assertThat(loader(Map.of("quayside.builder.build-tags", "v*"))
                .load("app", "refs/tags/v1", Optional.of("buildTags: []")).buildTags())
                .as("the file's list replaces the service's").isEmpty();
        assertThat(DEFAULTS.load("app", "refs/tags/release/2", Optional.empty()).extraTags())
                .containsExactly("release-2");
        assertThat(DEFAULTS.load("app", "refs/heads/v1.2.0", Optional.empty()).extraTags())
                .as("a branch named like a tag is a branch").containsExactly("v1.2.0");
        assertThatThrownBy(() -> DEFAULTS.load("app", "refs/tags/v1", Optional.of("buildTags: ['v[']")))
                .isInstanceOf(InvalidSettingsException.class)
                .hasMessageStartingWith(".quayside.yml: 'buildTags' pattern 'v[' is not a glob: ");
        assertThatThrownBy(() -> DEFAULTS.load("app", "refs/tags/v1", Optional.of("buildTags: ['*a*b*c*']")))
                .hasMessage(".quayside.yml: 'buildTags' pattern '*a*b*c*' is not a glob of at most 128 printable "
                        + "characters with at most 3 '*'");
    }

    @Test
    void timeoutsTargetsAndPathsKeepTheirRules() {
        assertThatThrownBy(() -> DEFAULTS.load("app", "refs/heads/main", Optional.of("timeout: 0")))
                .hasMessage(".quayside.yml: 'timeout' 0 is not positive");
        assertThatThrownBy(() -> DEFAULTS.load("app", "refs/heads/main", Optional.of("timeout: PT-5S")))
                .hasMessage(".quayside.yml: 'timeout' PT-5S is not positive");
        assertThatThrownBy(() -> DEFAULTS.load("app", "refs/heads/main",
                Optional.of("timeout: 99999999999999999999999")))
                .hasMessage(".quayside.yml: 'timeout' 99999999999999999999999 is not a duration (e.g. 90s, 5m, 1h or "
                        + "PT10M)");
        assertThatThrownBy(() -> DEFAULTS.load("app", "refs/heads/main", Optional.of("target: \"a b\"")))
                .hasMessage(".quayside.yml: 'target' 'a b' is not a build stage name ([A-Za-z][A-Za-z0-9_.-]{0,127})");
        assertThatThrownBy(() -> DEFAULTS.load("app", "refs/heads/main", Optional.of("context: \"a\\0b\"")))
                .hasMessage(".quayside.yml: 'context' 'a\\u0000b' has control characters");
    }
}
