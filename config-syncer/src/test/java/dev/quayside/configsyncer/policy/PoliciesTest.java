package dev.quayside.configsyncer.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PoliciesTest {

    @Test
    void withoutAFileEveryEnvironmentFollowsMainOnly() {
        Policies p = Policies.defaults();
        assertThat(p.accepts("prod", "main")).isTrue();
        assertThat(p.accepts("prod", "refs/heads/main")).isTrue();
        assertThat(p.accepts("prod", "feature/x")).isFalse();
        assertThat(p.accepts("prod", "v1.0.0")).isFalse();
    }

    @Test
    void branchGlobsAndSemverTagRanges() {
        Policies p = Policies.parse(("environments:\n  dev:\n    branches: [main, \"feature/*\"]\n"
                + "  prod:\n    branches: []\n    tags: \">=1.0.0 <2.0.0\"\n  qa:\n    tags: \"^0.3.1 || 2.x\"\n")
                .getBytes(StandardCharsets.UTF_8));
        assertThat(p.accepts("dev", "feature/login")).isTrue();
        assertThat(p.accepts("dev", "feature/a/b")).isFalse();
        assertThat(p.accepts("dev", "main")).isTrue();
        assertThat(p.accepts("prod", "main")).isFalse();
        assertThat(p.accepts("prod", "refs/tags/v1.4.2")).isTrue();
        assertThat(p.accepts("prod", "refs/tags/1.9.9")).isTrue();
        assertThat(p.accepts("prod", "refs/heads/1.9.9")).isFalse();
        assertThat(p.accepts("prod", "refs/tags/v2.0.0")).isFalse();
        assertThat(p.accepts("prod", "refs/tags/v1.5.0-rc.1")).isFalse();
        assertThat(p.accepts("qa", "refs/heads/main")).isTrue();
        assertThat(p.accepts("qa", "refs/tags/0.3.5")).isTrue();
        assertThat(p.accepts("qa", "refs/tags/0.4.0")).isFalse();
        assertThat(p.accepts("qa", "refs/tags/2.7.1")).isTrue();
        assertThat(p.accepts("staging", "main")).isTrue();
    }

    @Test
    void aBranchNamedLikeAVersionIsABranchNotATag() {
        Policies p = Policies.parse("environments:\n  prod:\n    branches: []\n    tags: \">=1.0.0 <2.0.0\"\n"
                .getBytes(StandardCharsets.UTF_8));
        // image-builder announced branch pushes by their short name: a branch called v1.4.2 must not reach prod
        assertThat(p.accepts("prod", "v1.4.2")).isFalse();
        assertThat(p.accepts("prod", "refs/heads/v1.4.2")).isFalse();
        assertThat(p.accepts("prod", "refs/tags/v1.4.2")).isTrue();
        assertThat(p.accepts("prod", "refs/pull/7/head")).isFalse();
        assertThat(Policies.defaults().accepts("dev", "refs/tags/main")).as("a tag named main is no branch").isFalse();
    }

    @Test
    void whichSourceRepositoryMayUpdateWhichApp() {
        Policies listed = Policies.parse("apps:\n  web-cleanup: { sources: [web, ops-tools] }\n  shop: { sources: billing }\n"
                .getBytes(StandardCharsets.UTF_8));
        assertThat(listed.mayUpdate("web-cleanup", "web", "web")).isTrue();
        assertThat(listed.mayUpdate("web-cleanup", "ops-tools", "ops-tools")).isTrue();
        assertThat(listed.mayUpdate("web-cleanup", "web-cleanup", "web-cleanup")).as("the list replaces the default")
                .isFalse();
        assertThat(listed.mayUpdate("shop", "billing", "billing")).isTrue();
        // by default: the repository named like the app, or like the last segment of its image name
        Policies none = Policies.defaults();
        assertThat(none.mayUpdate("web", "web", "web")).isTrue();
        assertThat(none.mayUpdate("frontend", "webshop", "team/webshop")).isTrue();
        assertThat(none.mayUpdate("web", "attacker", "web")).isFalse();
        assertThat(none.ownersOf("web")).contains("named like the app");
        assertThat(listed.ownersOf("shop")).contains("apps.shop.sources lists [billing]");
        assertThatThrownBy(() -> Policies.parse("apps: [a]".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("'apps' must be a map");
        assertThatThrownBy(() -> Policies.parse("apps:\n  a: { sources: {x: 1} }".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("apps.a.sources must be a list");
    }

    @Test
    void badFilesSayWhatIsWrong() {
        assertThatThrownBy(() -> Policies.parse("environments: [a, b]".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("'environments' must be a map");
        assertThatThrownBy(() -> Policies.parse("environments:\n  prod:\n    tags: \">=banana\"\n"
                .getBytes(StandardCharsets.UTF_8))).hasMessageContaining("environments.prod.tags");
        assertThatThrownBy(() -> Policies.parse("environments: {a: [\n".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("not valid YAML");
    }

    @Test
    void aMisspelledKeyIsRefusedNotIgnored() {
        // 'promote_from' was ignored: prod then followed main, the default, and got every commit of main
        assertThatThrownBy(() -> Policies.parse("environments:\n  dev: {}\n  prod:\n    promote_from: dev\n"
                .getBytes(StandardCharsets.UTF_8)))
                .hasMessage("quayside.yml: environments.prod: unknown key 'promote_from'"
                        + " (an environment takes branches, tags, suspended, promote-from, approval, soak, windows)");
        assertThatThrownBy(() -> Policies.parse("environments:\n  prod: { branches: [], tag: \">=1.0.0\" }\n"
                .getBytes(StandardCharsets.UTF_8))).hasMessageContaining("environments.prod: unknown key 'tag'");
        assertThatThrownBy(() -> Policies.parse("apps:\n  web: { sources: [web], source: [ops] }\n"
                .getBytes(StandardCharsets.UTF_8)))
                .hasMessage("quayside.yml: apps.web: unknown key 'source' (an app takes sources)");
    }

    @Test
    void suspendedAppsPerEnvironment() {
        Policies p = Policies.parse(("environments:\n  prod:\n    suspended: [web, api]\n  dev:\n    suspended: []\n"
                + "  staging: {}\n").getBytes(StandardCharsets.UTF_8));
        assertThat(p.suspended("web", "prod")).isTrue();
        assertThat(p.suspended("api", "prod")).isTrue();
        assertThat(p.suspended("web", "dev")).isFalse();
        assertThat(p.suspended("web", "staging")).isFalse();
        assertThat(p.suspended("web", "qa")).as("an environment the file does not name").isFalse();
        assertThat(p.accepts("prod", "main")).as("suspension does not change what the environment follows").isTrue();
        assertThat(p.suspensions()).containsOnlyKeys("prod");
        assertThat(p.suspensions().get("prod")).containsExactly("api", "web");
        assertThat(Policies.defaults().suspensions()).isEmpty();
    }

    @Test
    void aSuspendedListOfTheWrongShapeIsRefusedInOneLine() {
        for (String bad : new String[] {"suspended: web", "suspended: {web: true}", "suspended: [[web]]",
                "suspended: [{app: web}]", "suspended: [1]", "suspended: [true]", "suspended: [\"\"]",
                "suspended: [\" web\"]", "suspended: [a/web]", "suspended: [web.json]", "suspended: [null]",
                "suspended: [\"..\"]"}) {
            assertThatThrownBy(() -> Policies.parse(("environments:\n  prod:\n    " + bad + "\n")
                    .getBytes(StandardCharsets.UTF_8)))
                    .as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("quayside.yml: environments.prod.suspended must be a list of app names")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
    }

    private static Policies parse(String yaml) {
        return Policies.parse(yaml.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anEnvironmentPromotedFromAnotherFollowsNoBranchUnlessItSaysSo() {
        Policies p = parse("environments:\n  dev: {branches: [main]}\n  staging: {promote-from: dev}\n"
                + "  prod:\n    promote-from: staging\n    tags: \">=1.0.0\"\n"
                + "  qa: {promote-from: dev, branches: [\"qa/*\"]}\n");
        assertThat(p.promoteFrom("staging")).contains("dev");
        assertThat(p.promoteFrom("prod")).contains("staging");
        assertThat(p.promoteFrom("dev")).isEmpty();
        assertThat(p.promoteFrom("unnamed")).as("an environment the file does not name").isEmpty();
        assertThat(p.promotedFrom("dev")).containsExactly("staging", "qa");
        assertThat(p.promotedFrom("staging")).containsExactly("prod");
        assertThat(p.promotedFrom("prod")).isEmpty();
        assertThat(p.accepts("staging", "main")).as("promoted only: follows no branch").isFalse();
        assertThat(p.accepts("prod", "main")).isFalse();
        assertThat(p.accepts("prod", "refs/tags/v1.2.0")).as("tags listed explicitly still count").isTrue();
        assertThat(p.accepts("qa", "qa/x")).as("branches listed explicitly still count").isTrue();
        assertThat(p.accepts("qa", "main")).isFalse();
        assertThat(p.accepts("dev", "main")).isTrue();
        assertThat(Policies.defaults().promotedFrom("dev")).isEmpty();
    }

    @Test
    void aBadPromotionChainIsRefusedInOneLine() {
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("environments:\n  staging: {promote-from: qa}\n",
                "quayside.yml: environments.staging.promote-from: 'qa' is not an environment of quayside.yml");
        bad.put("environments:\n  dev: {promote-from: dev}\n",
                "quayside.yml: environments.dev.promote-from: an environment cannot promote from itself");
        bad.put("environments:\n  dev: {promote-from: staging}\n  staging: {promote-from: dev}\n",
                "quayside.yml: environments: promotion cycle dev <- staging <- dev");
        bad.put("environments:\n  a: {promote-from: c}\n  b: {promote-from: a}\n  c: {promote-from: b}\n  d: {}\n",
                "quayside.yml: environments: promotion cycle a <- c <- b <- a");
        for (String shape : new String[] {"[dev]", "{env: dev}", "\"\"", "\" dev\"", "1", "true"}) {
            bad.put("environments:\n  dev: {}\n  staging: {promote-from: " + shape + "}\n",
                    "quayside.yml: environments.staging.promote-from must be one environment name");
        }
        bad.forEach((yaml, reason) -> assertThatThrownBy(() -> parse(yaml)).as(yaml)
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(reason)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n")));
    }

    @Test
    void promotionGatesAnApprovalAndASoakTime() {
        Policies p = parse("environments:\n  dev: {}\n  staging: {promote-from: dev, soak: 90s}\n"
                + "  prod: {promote-from: staging, approval: required, soak: 10m}\n"
                + "  qa: {promote-from: dev, approval: none}\n  perf: {promote-from: dev, soak: 2h}\n"
                + "  uat: {promote-from: dev, soak: 1d}\n");
        assertThat(p.gate("staging")).isEqualTo(new Policies.Gate(false, java.time.Duration.ofSeconds(90)));
        assertThat(p.gate("prod")).isEqualTo(new Policies.Gate(true, java.time.Duration.ofMinutes(10)));
        assertThat(p.gate("qa")).isEqualTo(Policies.Gate.NONE);
        assertThat(p.gate("qa").gated()).isFalse();
        assertThat(p.gate("perf").soak()).isEqualTo(java.time.Duration.ofHours(2));
        assertThat(p.gate("uat").soak()).isEqualTo(java.time.Duration.ofDays(1));
        assertThat(p.gate("dev").gated()).isFalse();
        assertThat(p.gate("unnamed")).isEqualTo(Policies.Gate.NONE);
        assertThat(Policies.defaults().gate("prod").gated()).isFalse();
    }

    @Test
    void badGatesAreRefusedInOneLine() {
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("environments:\n  prod: {approval: required}\n",
                "quayside.yml: environments.prod.approval gates a promotion: it needs environments.prod.promote-from");
        bad.put("environments:\n  prod: {soak: 10m}\n",
                "quayside.yml: environments.prod.soak gates a promotion: it needs environments.prod.promote-from");
        for (String value : new String[] {"yes", "true", "Required", "[required]", "1", "\"\""}) {
            bad.put("environments:\n  dev: {}\n  prod: {promote-from: dev, approval: " + value + "}\n",
                    "quayside.yml: environments.prod.approval must be 'required' or 'none', not ");
        }
        for (String value : new String[] {"10", "10 m", "1.5h", "10min", "PT10M", "-5s", "[10m]", "true", "\"\"",
                "10\\nm", "9999999999s"}) {
            bad.put("environments:\n  dev: {}\n  prod: {promote-from: dev, soak: " + value + "}\n",
                    "quayside.yml: environments.prod.soak must be a duration such as 90s, 10m, 2h or 1d, not ");
        }
        bad.put("environments:\n  dev: {}\n  prod: {promote-from: dev, soak: 0s}\n",
                "quayside.yml: environments.prod.soak must be more than 0s and at most 30d, not '0s'");
        bad.put("environments:\n  dev: {}\n  prod: {promote-from: dev, soak: 31d}\n",
                "quayside.yml: environments.prod.soak must be more than 0s and at most 30d, not '31d'");
        bad.forEach((yaml, reason) -> assertThatThrownBy(() -> parse(yaml)).as(yaml)
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(reason)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n")));
    }

    @Test
    void deploymentWindowsGateAPromotionAndBadOnesAreRefusedInOneLine() {
        Policies p = parse("environments:\n  staging: {}\n  prod:\n    promote-from: staging\n    windows:\n"
                + "      - {schedule: \"0 9 * * 1-5\", duration: 8h, time-zone: Europe/Berlin}\n"
                + "      - {schedule: \"0 12 * * 6\", duration: 30m}\n");
        assertThat(p.gate("prod").windows()).containsExactly(
                DeploymentWindow.of("0 9 * * 1-5", java.time.Duration.ofHours(8), "Europe/Berlin"),
                DeploymentWindow.of("0 12 * * 6", java.time.Duration.ofMinutes(30), "UTC"));
        assertThat(p.gate("prod").gated()).as("windows alone gate a promotion").isTrue();

        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("environments:\n  prod: {windows: [{schedule: \"* * * * *\", duration: 1h}]}\n",
                "quayside.yml: environments.prod.windows gates a promotion: it needs environments.prod.promote-from");
        bad.put("environments:\n  dev: {}\n  prod: {promote-from: dev, windows: []}\n",
                "quayside.yml: environments.prod.windows must be a list of windows such as");
        bad.put("environments:\n  dev: {}\n  prod: {promote-from: dev, windows: \"0 9 * * *\"}\n",
                "quayside.yml: environments.prod.windows must be a list of windows such as");
        bad.put("environments:\n  dev: {}\n  prod: {promote-from: dev, windows: [\"0 9 * * *\"]}\n",
                "quayside.yml: environments.prod.windows[0] must be a map with 'schedule', 'duration' and 'time-zone'");
        bad.put("environments:\n  dev: {}\n  prod: {promote-from: dev, windows: [{schedule: \"0 9 * *\", duration: 1h}]}\n",
                "quayside.yml: environments.prod.windows[0]: schedule '0 9 * *' is not a five-field cron expression");
        bad.put("environments:\n  dev: {}\n  prod: {promote-from: dev, windows: [{schedule: 9, duration: 1h}]}\n",
                "quayside.yml: environments.prod.windows[0].schedule must be a cron expression");
        bad.put("environments:\n  dev: {}\n  prod: {promote-from: dev, windows: [{schedule: \"0 9 * * *\"}]}\n",
                "quayside.yml: environments.prod.windows[0].duration must be a duration such as 90s, 10m, 2h or 1d");
        bad.put("environments:\n  dev: {}\n  prod: {promote-from: dev, windows: [{schedule: \"0 9 * * *\", duration: 8d}]}\n",
                "quayside.yml: environments.prod.windows[0]: duration must be more than 0s and at most 7d");
        bad.put("environments:\n  dev: {}\n  prod: {promote-from: dev, windows: [{schedule: \"0 9 * * *\", duration: 1h,"
                + " time-zone: Berlin}]}\n", "quayside.yml: environments.prod.windows[0]: time-zone 'Berlin' is not a time zone");
        bad.put("environments:\n  dev: {}\n  prod: {promote-from: dev, windows: [{schedule: \"0 9 * * *\", duration: 1h,"
                + " timezone: UTC}]}\n", "quayside.yml: environments.prod.windows[0]: unknown key 'timezone'");
        bad.forEach((yaml, reason) -> assertThatThrownBy(() -> parse(yaml)).as(yaml)
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(reason)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n")));
    }
}
