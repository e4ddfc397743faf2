package dev.quayside.notifier.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quayside.events.BuildFinished;
import dev.quayside.events.BuildOutcome;
import dev.quayside.events.EventEnvelope;
import dev.quayside.notifier.support.TestEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoutingRulesTest {

    @TempDir
    Path dir;

    @Test
    void aRulesFileIsReadAndMatchesOnEveryCriterion() throws Exception {
        Path file = dir.resolve("rules.yaml");
        Files.writeString(file, """
                rules:
                  - name: shop-failures
                    match:
                      types: [build-finished]
                      outcomes: [FAILURE]
                      apps: [shop]
                      repositories: [shop]
                    channels: [slack, mail]
                  - match:
                      teams: [payments]
                    channels: [gchat]
                    template: default
                """);
        List<Rule> rules = RoutingRules.fromYaml(file);
        assertThat(rules).extracting(Rule::name).containsExactly("shop-failures", "rule-2");
        assertThat(RoutingRules.problems(rules, Set.of("slack", "mail", "gchat"))).isEmpty();

        EventFacts failed = facts(build("shop", BuildOutcome.FAILURE));
        EventFacts succeeded = facts(build("shop", BuildOutcome.SUCCESS));
        EventFacts otherApp = facts(build("cart", BuildOutcome.FAILURE));
        assertThat(rules.get(0).matches(failed, null)).isTrue();
        assertThat(rules.get(0).matches(succeeded, null)).isFalse();
        assertThat(rules.get(0).matches(otherApp, null)).isFalse();
        assertThat(rules.get(1).matches(succeeded, "payments")).isTrue();
        assertThat(rules.get(1).matches(succeeded, "other")).isFalse();
        assertThat(rules.get(1).matches(succeeded, null)).isFalse();
    }

    @Test
    void rulesCanComeFromConfiguration() {
        java.util.Map<String, dev.quayside.notifier.config.NotifierConfig.RuleConfig> configured =
                new java.util.LinkedHashMap<>();
        configured.put("prod-deploys", new dev.quayside.notifier.config.NotifierConfig.RuleConfig() {
            public java.util.Optional<List<String>> types() {
                return java.util.Optional.of(List.of("service-deployed"));
            }

            public java.util.Optional<List<String>> outcomes() {
                return java.util.Optional.empty();
            }

            public java.util.Optional<List<String>> apps() {
                return java.util.Optional.empty();
            }

            public java.util.Optional<List<String>> environments() {
                return java.util.Optional.of(List.of("Production"));
            }

            public java.util.Optional<List<String>> repositories() {
                return java.util.Optional.empty();
            }

            public java.util.Optional<List<String>> teams() {
                return java.util.Optional.empty();
            }

            public List<String> channels() {
                return List.of("releases");
            }

            public java.util.Optional<String> template() {
                return java.util.Optional.of("service-deployed");
            }
        });
        List<Rule> rules = RoutingRules.fromConfig(configured);
        assertThat(rules).singleElement().satisfies(r -> {
            assertThat(r.name()).isEqualTo("prod-deploys");
            assertThat(r.template()).isEqualTo("service-deployed");
            assertThat(r.channels()).containsExactly("releases");
        });
        EventFacts prod = facts(TestEvents.single(new dev.quayside.events.ServiceDeployed(
                TestEvents.deployment("a", "production", 1))));
        EventFacts staging = facts(TestEvents.single(new dev.quayside.events.ServiceDeployed(
                TestEvents.deployment("a", "staging", 1))));
        assertThat(rules.get(0).matches(prod, null)).isTrue();
        assertThat(rules.get(0).matches(staging, null)).isFalse();
    }

    @Test
    void badFilesGetAClearError() throws Exception {
        Path unknownKey = dir.resolve("unknown.yaml");
        Files.writeString(unknownKey, "rules:\n  - name: x\n    channel: [slack]\n");
        assertThatThrownBy(() -> RoutingRules.fromYaml(unknownKey)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(unknownKey.toString()).hasMessageContaining("channel");

        Path noRules = dir.resolve("empty.yaml");
        Files.writeString(noRules, "other: 1\n");
        assertThatThrownBy(() -> RoutingRules.fromYaml(noRules)).hasMessageContaining("other");

        Path empty = dir.resolve("blank.yaml");
        Files.writeString(empty, "rules:\n");
        assertThatThrownBy(() -> RoutingRules.fromYaml(empty)).hasMessageContaining("has no 'rules' list");

        assertThatThrownBy(() -> RoutingRules.fromYaml(dir.resolve("missing.yaml")))
                .hasMessageContaining("cannot read rules file");
    }

    @Test
    void rulesNamingUnknownChannelsOrTypesAreReported() {
        List<Rule> rules = List.of(
                new Rule("a", new Rule.Match(Set.of("build-failed"), null, null, null, null, null), List.of("slak"),
                        null),
                new Rule("a", null, List.of(), null));
        assertThat(RoutingRules.problems(rules, Set.of("slack"))).containsExactly(
                "rule 'a' names unknown channel 'slak' (configured: [slack])",
                "rule 'a' names unknown event type 'build-failed' (known: " + RoutingRules.TYPE_KEYS.stream().sorted()
                        .toList() + ")",
                "rule 'a' is defined twice",
                "rule 'a' names no channel");
    }

    @Test
    void theDefaultsNotifyFailuresAndRollbacksButNotSuccesses() {
        List<Rule> defaults = RoutingRules.defaults("team");
        assertThat(RoutingRules.problems(defaults, Set.of("team"))).isEmpty();
        assertThat(defaults.stream().anyMatch(r -> r.matches(facts(build("a", BuildOutcome.FAILURE)), null))).isTrue();
        assertThat(defaults.stream().anyMatch(r -> r.matches(facts(build("a", BuildOutcome.TIMED_OUT)), null)))
                .isTrue();
        assertThat(defaults.stream().anyMatch(r -> r.matches(facts(build("a", BuildOutcome.SUCCESS)), null)))
                .isFalse();
        assertThat(defaults.stream().anyMatch(r -> r.matches(facts(build("a", BuildOutcome.SKIPPED)), null)))
                .isFalse();
        assertThat(defaults.stream().anyMatch(r -> r.matches(
                facts(TestEvents.single(TestEvents.deploymentFailed("a"))), null))).isTrue();
        assertThat(defaults.stream().anyMatch(r -> r.matches(facts(TestEvents.single(
                new dev.quayside.events.ServiceRolledBack(TestEvents.deployment("a", "prod", 1), "v1", "x"))), null)))
                .isTrue();
        assertThat(defaults.stream().anyMatch(r -> r.matches(facts(TestEvents.single(
                new dev.quayside.events.ServiceDeployed(TestEvents.deployment("a", "prod", 1)))), null))).isFalse();
    }

    static EventEnvelope<BuildFinished> build(String app, BuildOutcome outcome) {
        return TestEvents.single(new BuildFinished("b1", app, app, TestEvents.sha(), "main", outcome, 1000, null,
                List.of(), null));
    }

    static EventFacts facts(EventEnvelope<?> envelope) {
        return EventFacts.of(envelope);
    }
}
