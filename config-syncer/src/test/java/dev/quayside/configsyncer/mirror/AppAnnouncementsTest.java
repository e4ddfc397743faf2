package dev.quayside.configsyncer.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.events.ConfigSynced;
import dev.quayside.events.ConfigSynced.FileProblem;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How one sync is split into announcements: per app whose definitions changed, and the rest. */
class AppAnnouncementsTest {

    private static final String P = "quayside/config/deploy/main/";
    private final AppAnnouncements defaults = new AppAnnouncements(
            new KeyLayout("deploy", MirrorOptions.defaults()), "quayside/suspended");

    private static ConfigSynced sync(List<String> put, List<String> deleted, List<String> files,
            List<FileProblem> invalid, List<FileProblem> skipped) {
        return new ConfigSynced("deploy", "main", "a".repeat(40), "b".repeat(40), put, deleted, files, 7, false,
                invalid, skipped, ConfigSynced.Outcome.SYNCED, null);
    }

    @Test
    void eachAppGetsItsDefinitionsInEveryEnvironmentAndTargetAndItsSuspensionTheRestGoesLast() {
        ConfigSynced whole = sync(
                List.of(P + "marathon/dev/web.json", P + "chronos/prod/web.json", P + "marathon/dev/api.json",
                        P + "quayside.yml", "quayside/suspended/web/dev", "quayside/suspended/other/dev"),
                List.of(P + "marathon/qa/api.json"),
                List.of("marathon/dev/web.json", "chronos/prod/web.json", "marathon/dev/api.json",
                        "marathon/qa/api.json", "quayside.yml"),
                List.of(new FileProblem("marathon/dev/api.json", "not valid JSON")),
                List.of(new FileProblem("marathon/dev/bad\u0001.json", "control character")));

        List<ConfigSynced> out = defaults.of(whole);

        assertThat(out).extracting(ConfigSynced::app).containsExactly("api", "web", null);
        ConfigSynced api = out.get(0);
        assertThat(api.keysPut()).containsExactly(P + "marathon/dev/api.json");
        assertThat(api.keysDeleted()).containsExactly(P + "marathon/qa/api.json");
        assertThat(api.filesChanged()).containsExactly("marathon/dev/api.json", "marathon/qa/api.json");
        assertThat(api.invalidFiles()).extracting(FileProblem::path).containsExactly("marathon/dev/api.json");
        ConfigSynced web = out.get(1);
        assertThat(web.keysPut()).containsExactly(P + "marathon/dev/web.json", P + "chronos/prod/web.json",
                "quayside/suspended/web/dev");
        assertThat(web.filesChanged()).containsExactly("marathon/dev/web.json", "chronos/prod/web.json");
        assertThat(web.invalidFiles()).isEmpty();
        ConfigSynced rest = out.get(2);
        assertThat(rest.keysPut()).containsExactly(P + "quayside.yml", "quayside/suspended/other/dev");
        assertThat(rest.filesChanged()).containsExactly("quayside.yml");
        assertThat(rest.skipped()).extracting(FileProblem::path).containsExactly("marathon/dev/bad\u0001.json");
        for (ConfigSynced a : out) { // the sync's own facts travel with every part
            assertThat(a.toCommit()).isEqualTo(whole.toCommit());
            assertThat(a.fromCommit()).isEqualTo(whole.fromCommit());
            assertThat(a.consulIndex()).isEqualTo(7);
        }
        assertThat(out).extracting(ConfigSynced::partitionKey).containsExactly("api", "web", "deploy/main");
        assertThat(defaults.of(whole)).as("deterministic").isEqualTo(out);
    }

    @Test
    void aSyncOfNoDefinitionAFailedOneAndAnAppsOwnAreAnnouncedAsTheyAre() {
        ConfigSynced none = sync(List.of(P + "quayside.yml"), List.of(), List.of("quayside.yml"), List.of(),
                List.of());
        assertThat(defaults.of(none)).containsExactly(none);
        ConfigSynced empty = sync(List.of(), List.of(), List.of(), List.of(), List.of());
        assertThat(defaults.of(empty)).containsExactly(empty);
        ConfigSynced failed = new ConfigSynced("deploy", "main", null, "b".repeat(40), List.of(), List.of(),
                List.of("marathon/dev/web.json"), 0, false, List.of(), List.of(), ConfigSynced.Outcome.FAILED, "boom");
        assertThat(defaults.of(failed)).containsExactly(failed);
        ConfigSynced onlyDefinitions = sync(List.of(P + "marathon/dev/web.json"), List.of(),
                List.of("marathon/dev/web.json"), List.of(), List.of());
        assertThat(defaults.of(onlyDefinitions)).singleElement()
                .satisfies(a -> assertThat(a.app()).isEqualTo("web"))
                .satisfies(a -> assertThat(a.keysPut()).isEqualTo(onlyDefinitions.keysPut()));
    }

    @Test
    void expandedKeysDeletedTreesAndASourceRootBelongToTheirDefinitionsApp() {
        AppAnnouncements expanded = new AppAnnouncements(new KeyLayout("deploy",
                new MirrorOptions("kv", false, true, "config", true, false, false, null)), "quayside/suspended");
        ConfigSynced whole = sync(List.of("kv/marathon/dev/web.json/instances", "kv/marathon/dev/web.json/id",
                "kv/marathon/dev/web.json.bak"),
                List.of("kv/marathon/dev/old.json", "kv/marathon/dev/old.json/"),
                List.of("config/marathon/dev/web.json", "config/marathon/dev/old.json", "config/marathon/dev/web.json.bak",
                        "marathon/dev/outside.json"),
                List.of(), List.of());

        List<ConfigSynced> out = expanded.of(whole);

        assertThat(out).extracting(ConfigSynced::app).containsExactly("old", "web", null);
        assertThat(out.get(0).keysDeleted()).containsExactly("kv/marathon/dev/old.json", "kv/marathon/dev/old.json/");
        assertThat(out.get(1).keysPut()).containsExactly("kv/marathon/dev/web.json/instances",
                "kv/marathon/dev/web.json/id");
        assertThat(out.get(2).keysPut()).containsExactly("kv/marathon/dev/web.json.bak");
        assertThat(out.get(2).filesChanged()).containsExactly("config/marathon/dev/web.json.bak",
                "marathon/dev/outside.json");
    }
}
