package dev.quayside.imagebuilder.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quayside.imagebuilder.client.BuildFailedException;
import dev.quayside.imagebuilder.config.BuilderConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Where repositories are fetched from: image-builder's configuration only, and only URLs of the allowed kinds. */
class RepositoryCatalogTest {

    private static RepositoryCatalog catalog(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(BuilderConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter()).withDefaultValues(properties).build();
        return new RepositoryCatalog(config.getConfigMapping(BuilderConfig.class));
    }

    @Test
    void aListedRepositoryIsFetchedFromItsUrlAndOthersFromTheTemplate() {
        RepositoryCatalog catalog = catalog(Map.of(
                "quayside.builder.repositories.web.url", "https://ci:s3cret@git.example.com/acme/web.git",
                "quayside.builder.clone-url-template", "ssh://git@git.example.com/acme/{repository}.git",
                "quayside.builder.ssh-key", "/dev/null"));
        RepositoryCatalog.Source web = catalog.source("web");
        assertThat(web.remote().url()).isEqualTo("https://ci:s3cret@git.example.com/acme/web.git");
        assertThat(web.remote().redacted()).isEqualTo("https://git.example.com/acme/web.git");
        assertThat(web.remote().toString()).doesNotContain("s3cret");
        assertThat(web.namespace()).isEqualTo("web");
        RepositoryCatalog.Source billing = catalog.source("billing.api");
        assertThat(billing.remote().url()).isEqualTo("ssh://git@git.example.com/acme/billing.api.git");
        assertThat(billing.remote().sshKey()).contains(Path.of("/dev/null"));
        for (String unsafe : new String[] {"../etc", "a/b", "x y", "-x", "a..b", "", "a\nb"}) {
            assertThatThrownBy(() -> catalog.source(unsafe)).as(unsafe).isInstanceOf(BuildFailedException.class)
                    .hasMessageContaining("cannot be put into quayside.builder.clone-url-template");
        }
    }

    @Test
    void withoutTemplateOnlyListedRepositoriesAreFetched() {
        RepositoryCatalog catalog = catalog(Map.of(
                "quayside.builder.repositories.web.url", "git@git.example.com:acme/web.git",
                "quayside.builder.repositories.docs.image-namespace", "acme/docs"));
        assertThat(catalog.source("web").remote().url()).isEqualTo("git@git.example.com:acme/web.git");
        assertThatThrownBy(() -> catalog.source("other")).isInstanceOf(BuildFailedException.class)
                .hasMessage("repository 'other' is not in image-builder's configuration (quayside.builder.repositories)"
                        + " and no quayside.builder.clone-url-template is set: it is not fetched");
        assertThatThrownBy(() -> catalog.source("docs"))
                .hasMessage("repository 'docs' is listed without a url and no quayside.builder.clone-url-template is "
                        + "set: it is not fetched");
    }

    @Test
    void localAndUnknownKindsOfUrlAreRefusedUnlessLocalRemotesAreAllowed() {
        RepositoryCatalog strict = catalog(Map.of());
        for (String local : new String[] {"/srv/git/web.git", "file:///srv/git/web.git", "web.git", "../web"}) {
            assertThat(strict.urlProblem(local)).as(local).contains("file:// URLs and local paths are only fetched "
                    + "with quayside.builder.allow-local-remotes=true (local runs and tests)");
        }
        for (String remote : new String[] {"https://git.example.com/a.git", "http://127.0.0.1:3000/a.git",
            "ssh://git@git.example.com:2222/a.git", "git://git.example.com/a.git", "git@git.example.com:a.git"}) {
            assertThat(strict.urlProblem(remote)).as(remote).isEmpty();
        }
        assertThat(strict.urlProblem("sftp://host/a.git")).contains("scheme sftp is not fetched (https, http, ssh, "
                + "git, or user@host:path)");
        assertThat(strict.urlProblem("amazon-s3://bucket/a.git")).get().asString().startsWith("scheme amazon-s3");
        assertThat(catalog(Map.of("quayside.builder.allow-local-remotes", "true")).urlProblem("/srv/git/web.git"))
                .isEmpty();
    }

    @Test
    void aBadConfigurationStopsTheStartNamingEveryKey() {
        assertThatThrownBy(() -> catalog(Map.of(
                "quayside.builder.repositories.web.url", "https://ci:s3cret@git.example.com/acme/web.git",
                "quayside.builder.repositories.api.url", "file:///srv/git/api.git",
                "quayside.builder.repositories.api.image-namespace", "Acme",
                "quayside.builder.repositories.docs.url", "https://git.example.com/acme/docs.git",
                "quayside.builder.repositories.docs.image-namespace", "web",
                "quayside.builder.repositories.docs.build-args.NOT-A-NAME", "x",
                "quayside.builder.repositories.docs.ssh-key", "/nonexistent/id_ed25519",
                "quayside.builder.clone-url-template", "https://git.example.com/acme/fixed.git",
                "quayside.builder.build-tags", "v[")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("image-builder's repository configuration is invalid:")
                .hasMessageContaining("quayside.builder.clone-url-template https://git.example.com/acme/fixed.git has "
                        + "no {repository}")
                .hasMessageContaining("quayside.builder.repositories.\"api\".url file:///srv/git/api.git: file:// URLs")
                .hasMessageContaining("quayside.builder.repositories.\"api\".image-namespace 'Acme' is not a valid "
                        + "image name")
                .hasMessageContaining(" both own the image namespace web: set quayside.builder.repositories.")
                .hasMessageContaining("quayside.builder.repositories.\"docs\".build-args.NOT-A-NAME: not a build-arg "
                        + "name")
                .hasMessageContaining("quayside.builder.repositories.\"docs\".ssh-key /nonexistent/id_ed25519 is not a "
                        + "readable file")
                .hasMessageContaining("quayside.builder.build-tags pattern 'v[' is not a glob")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret"));
    }

    @Test
    void namespacesAreOwnedByTheDeepestClaimant() {
        RepositoryCatalog catalog = catalog(Map.of("quayside.builder.clone-url-template",
                "https://git.example.com/{repository}.git",
                "quayside.builder.repositories.api.image-namespace", "web/api"));
        catalog.requireOwned("web", "web/frontend", ".quayside.yml");
        assertThatThrownBy(() -> catalog.requireOwned("web", "web/api/v2", ".quayside.yml"))
                .hasMessage(".quayside.yml: 'image' web/api/v2 is in the image namespace web/api of repository api, "
                        + "not of web");
        catalog.requireOwned("api", "web/api/v2", ".quayside.yml");
        assertThat(catalog.namespace("Sample_App")).isEqualTo("sample_app");
        assertThat(catalog.buildArgs("web")).isEmpty();
        assertThat(Optional.of(catalog.source("web").namespace())).contains("web");
    }
}
