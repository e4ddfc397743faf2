package dev.quayside.configsyncer.rest;

import static dev.quayside.configsyncer.writeback.WriteBackServiceTest.REGISTRY;
import static dev.quayside.configsyncer.writeback.WriteBackServiceTest.marathon;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.configsyncer.client.GitClient;
import dev.quayside.configsyncer.mirror.MirrorOptions;
import dev.quayside.configsyncer.service.ConfigRepo;
import dev.quayside.configsyncer.service.Repositories;
import dev.quayside.configsyncer.service.SyncSettings;
import dev.quayside.configsyncer.service.TestRepo;
import dev.quayside.configsyncer.writeback.AppActions;
import dev.quayside.configsyncer.writeback.HeldBuilds;
import dev.quayside.configsyncer.writeback.WriteBackService;
import jakarta.ws.rs.core.Response;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which config repository an operator's suspend, resume or rollback acts on when several are configured: the one
 * named, else the only one defining the app in the environment; refused, with nothing written anywhere, when none or
 * several define it or the named one is not configured. Two real config repositories (bare remotes and humans'
 * clones).
 */
class AppActionResourceTest {

    @TempDir
    Path dir;
    TestRepo shop;
    TestRepo billing;
    AppActionResource resource;

    @BeforeEach
    void setUp() throws Exception {
        shop = TestRepo.create(dir.resolve("shop"));
        shop.commit("apps", Map.of("marathon/prod/web.json", marathon("prod/web", REGISTRY + "/web:1111111aaaaa"),
                "marathon/prod/cart.json", marathon("prod/cart", REGISTRY + "/cart:1111111aaaaa")));
        shop.push();
        billing = TestRepo.create(dir.resolve("billing"));
        billing.commit("apps", Map.of("marathon/prod/web.json", marathon("prod/web", REGISTRY + "/web:2222222bbbbb"),
                "marathon/prod/invoices.json", marathon("prod/invoices", REGISTRY + "/invoices:2222222bbbbb")));
        billing.push();
        Repositories repositories = new Repositories(List.of(
                ConfigRepo.of("shop", shop.url(), MirrorOptions.defaults()),
                ConfigRepo.of("billing", billing.url(), MirrorOptions.defaults())));
        AppActions actions = new AppActions(new WriteBackService(new GitClient(dir.resolve("syncer")),
                SyncSettings.defaults()), HeldBuilds.NONE, Clock.fixed(Instant.parse("2026-12-06T10:00:00Z"),
                ZoneOffset.UTC));
        resource = new AppActionResource(repositories, actions);
    }

    @AfterEach
    void tearDown() {
        shop.close();
        billing.close();
    }

    @Test
    void anAppDefinedInOneRepositoryIsActedOnThereWithoutNamingIt() throws Exception {
        ObjectId billingBefore = billing.remoteHead();

        Response answer = resource.suspend("cart", "prod", "{\"by\": \"ada\", \"reason\": \"500s\"}");

        assertThat(answer.getStatus()).isEqualTo(200);
        assertThat(body(answer)).containsEntry("repository", "shop").containsEntry("action", "suspend");
        assertThat(shop.remoteText(".quayside/suspended/prod/cart.yml")).contains("500s");
        assertThat(billing.remoteHead()).isEqualTo(billingBefore);
    }

    @Test
    void anAppDefinedInSeveralIsRefusedNamingThemUntilTheRequestNamesOne() throws Exception {
        ObjectId shopBefore = shop.remoteHead();
        ObjectId billingBefore = billing.remoteHead();

        Response refused = resource.suspend("web", "prod", "{\"reason\": \"500s\"}");

        assertThat(refused.getStatus()).isEqualTo(400);
        assertThat(body(refused).get("error")).asString()
                .isEqualTo("web is defined in prod in shop, billing: name one with \"repository\"");
        assertThat(shop.remoteHead()).isEqualTo(shopBefore);
        assertThat(billing.remoteHead()).isEqualTo(billingBefore);

        Response named = resource.suspend("web", "prod", "{\"repository\": \"billing\", \"reason\": \"500s\"}");

        assertThat(named.getStatus()).isEqualTo(200);
        assertThat(body(named)).containsEntry("repository", "billing");
        assertThat(billing.remoteHead()).isNotEqualTo(billingBefore);
        assertThat(shop.remoteHead()).isEqualTo(shopBefore);
    }

    @Test
    void anAppNoRepositoryDefinesAndARepositoryNotConfiguredAreNotFound() throws Exception {
        ObjectId shopBefore = shop.remoteHead();
        ObjectId billingBefore = billing.remoteHead();

        Response nowhere = resource.suspend("search", "prod", "{}");
        Response unknown = resource.suspend("web", "prod", "{\"repository\": \"payroll\"}");

        assertThat(nowhere.getStatus()).isEqualTo(404);
        assertThat(body(nowhere).get("error")).asString().isEqualTo("no config repository defines search in prod");
        assertThat(unknown.getStatus()).isEqualTo(404);
        assertThat(body(unknown).get("error")).asString().isEqualTo("no config repository 'payroll' is configured");
        assertThat(shop.remoteHead()).isEqualTo(shopBefore);
        assertThat(billing.remoteHead()).isEqualTo(billingBefore);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> body(Response response) {
        return (Map<String, Object>) response.getEntity();
    }
}
