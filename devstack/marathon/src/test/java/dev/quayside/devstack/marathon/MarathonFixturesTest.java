package dev.quayside.devstack.marathon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every app definition among Marathon's own examples ({@code ../shared/fixtures/marathon/}) is accepted, or rejected
 * with the reason Marathon gives.
 */
class MarathonFixturesTest {

    static Path dir;

    @BeforeAll
    static void fixtures() {
        String shared = System.getProperty("quayside.shared.dir", "../shared");
        dir = Paths.get(shared, "fixtures", "marathon");
        Assumptions.assumeTrue(Files.isDirectory(dir), "../shared/fixtures not found: " + dir.toAbsolutePath());
    }

    static Object read(String name) throws IOException {
        return AppDefinitions.parse(Files.readString(dir.resolve(name)));
    }

    static void accepted(JsonObject app) {
        assertThatCode(() -> AppDefinitions.validate(app)).as(app.getString("id")).doesNotThrowAnyException();
        JsonObject normalised = AppDefinitions.withDefaults(app);
        assertThat(normalised.getString("id")).startsWith("/");
        assertThat(normalised.getJsonObject("upgradeStrategy").containsKey("minimumHealthCapacity")).isTrue();
    }

    @Test
    void everyFixtureFileIsClassified() throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(Files::isRegularFile).forEach(p -> names.add(p.getFileName().toString()));
        }
        // the app definitions are tested below; the rest are responses or not apps
        assertThat(names).contains("app.json", "apps_create.json", "app-check-http-example.json", "app_patch.json",
                "apps_patch.json", "app_list.json", "group.json");
    }

    @Test
    void appJsonIsRejectedLikeMarathonDoes() throws IOException {
        JsonObject app = (JsonObject) read("app.json");
        ApiException e = catchThrowableOfType(ApiException.class, () -> AppDefinitions.validate(app));
        assertThat(e.status).isEqualTo(422);
        JsonObject body = (JsonObject) e.body;
        assertThat(body.getString("message")).isEqualTo("Object is not valid");
        // both cmd and args; and the secret reference needs Marathon's "secrets" feature
        assertThat(body.getJsonArray("details")).contains(
                new JsonObject().put("path", "/").put("errors", new JsonArray().add(AppDefinitions.CMD_ARGS_CONTAINER)),
                new JsonObject().put("path", "/env/PASSWORD").put("errors", new JsonArray()
                        .add("Feature secrets is not enabled. Enable with --enable_features secrets)")));
        // without those parts the rest of Marathon's full example is valid
        JsonObject fixed = app.copy();
        fixed.remove("args");
        fixed.remove("secrets");
        fixed.getJsonObject("env").remove("PASSWORD");
        accepted(fixed);
    }

    @Test
    void appsCreateDefinitionsAreAccepted() throws IOException {
        JsonArray apps = (JsonArray) read("apps_create.json");
        assertThat(apps).hasSize(2);
        apps.forEach(a -> accepted((JsonObject) a));
    }

    @Test
    void appWithMesosCheckIsAccepted() throws IOException {
        JsonObject app = (JsonObject) read("app-check-http-example.json");
        accepted(app);
        assertThat(AppDefinitions.withDefaults(app).getString("id")).isEqualTo("/http-index-test");
    }

    @Test
    void partialUpdatesApplyToAnExistingApp() throws IOException {
        JsonObject base = ((JsonArray) read("apps_create.json")).getJsonObject(0);
        JsonObject patch = (JsonObject) read("app_patch.json");
        // on its own a patch is not a complete app: Marathon's POST rejects it the same way
        ApiException e = catchThrowableOfType(ApiException.class, () -> AppDefinitions.validate(patch));
        assertThat(e.status).isEqualTo(422);
        JsonObject merged = base.copy();
        patch.forEach(f -> merged.put(f.getKey(), f.getValue()));
        accepted(merged);
        for (Object p : (JsonArray) read("apps_patch.json")) {
            JsonObject m = base.copy();
            ((JsonObject) p).forEach(f -> m.put(f.getKey(), f.getValue()));
            accepted(m);
        }
    }

    @Test
    void appsFromResponsesAreAcceptedBack() throws IOException {
        JsonObject list = (JsonObject) read("app_list.json");
        list.getJsonArray("apps").forEach(a -> accepted((JsonObject) a));
        List<JsonObject> inGroups = new ArrayList<>();
        collect((JsonObject) read("group.json"), inGroups);
        assertThat(inGroups).isNotEmpty();
        inGroups.forEach(MarathonFixturesTest::accepted);
    }

    private static void collect(JsonObject group, List<JsonObject> apps) {
        group.getJsonArray("apps", new JsonArray()).forEach(a -> apps.add((JsonObject) a));
        group.getJsonArray("groups", new JsonArray()).forEach(g -> collect((JsonObject) g, apps));
    }
}
