package dev.quayside.configsyncer.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link SemverRange} against node-semver's own test fixtures ({@code test/fixtures/range-include.js},
 * {@code range-exclude.js}, {@code comparisons.js} of npm's semver 7.8.5; the cases without the {@code loose} and
 * {@code includePrerelease} options), copied into {@code node-semver-cases.tsv}.
 */
class SemverRangeTest {

    record Case(String kind, String left, String right) {
        @Override
        public String toString() {
            return kind + " '" + left + "' '" + right + "'";
        }
    }

    static Stream<Case> cases() throws IOException {
        List<Case> cases = new ArrayList<>();
        try (InputStream in = SemverRangeTest.class.getResourceAsStream("/node-semver-cases.tsv")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("#") || line.isEmpty()) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                cases.add(new Case(f[0], f[1].replace("\\t", "\t"), f[2]));
            }
        }
        return cases.stream();
    }

    @Test
    void atLeastFiftyCasesOfNodeSemverAreChecked() throws IOException {
        assertThat(cases().count()).isGreaterThanOrEqualTo(50);
        assertThat(cases().filter(c -> c.kind().equals("include")).count()).isGreaterThanOrEqualTo(50);
        assertThat(cases().filter(c -> c.kind().equals("exclude")).count()).isGreaterThanOrEqualTo(50);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void behavesAsNodeSemver(Case c) {
        switch (c.kind()) {
            case "include" -> assertThat(SemverRange.parse(c.left()).matches(c.right())).as(c.toString()).isTrue();
            case "exclude" -> assertThat(excluded(c.left(), c.right())).as(c.toString()).isTrue();
            case "greater" -> {
                SemverRange.Version a = SemverRange.Version.parse(c.left());
                SemverRange.Version b = SemverRange.Version.parse(c.right());
                assertThat(a).as(c.left()).isNotNull();
                assertThat(b).as(c.right()).isNotNull();
                assertThat(a.compareTo(b)).as(c.toString()).isPositive();
                assertThat(b.compareTo(a)).as(c.toString()).isNegative();
            }
            default -> throw new IllegalArgumentException(c.kind());
        }
    }

    /** node-semver: a range that does not parse matches nothing (its {@code satisfies} returns false). */
    private static boolean excluded(String range, String version) {
        try {
            return !SemverRange.parse(range).matches(version);
        } catch (IllegalArgumentException e) {
            return true;
        }
    }

    @Test
    void preReleaseIdentifiersCompareNumericallyAndReleaseTagsOfTheDocumentedPolicies() {
        SemverRange rc = SemverRange.parse(">=1.3.0-rc.2 <1.3.0");
        assertThat(rc.matches("v1.3.0-rc.10")).as("rc.10 comes after rc.2").isTrue();
        assertThat(rc.matches("v1.3.0-rc.1")).isFalse();
        assertThat(SemverRange.Version.parse("1.3.0-rc.10").compareTo(SemverRange.Version.parse("1.3.0-rc.2")))
                .isPositive();
        SemverRange prod = SemverRange.parse(">=1.0.0 <2.0.0");
        assertThat(prod.matches("v1.4.2")).isTrue();
        assertThat(prod.matches("v1.5.0-rc.1")).as("a pre-release only where a comparator names its version").isFalse();
        assertThat(SemverRange.parse("^0.3.1 || 2.x").matches("0.3.5")).isTrue();
        assertThat(SemverRange.parse("1.2.3 - 2.3").matches("2.3.9")).isTrue();
        assertThat(SemverRange.parse("1.2.3 - 2.3").matches("2.4.0")).isFalse();
        assertThat(SemverRange.parse("~1.2.3-beta.2").matches("1.2.3-beta.4")).isTrue();
        assertThat(SemverRange.parse("~1.2.3-beta.2").matches("1.2.4-beta.2")).isFalse();
    }

    @Test
    void badRangesSayWhereTheyAreWrong() {
        assertThatThrownBy(() -> SemverRange.parse(">=banana")).hasMessageContaining("'>=banana'");
        assertThatThrownBy(() -> SemverRange.parse("1.2.3 - ")).hasMessageContaining("not a version range");
    }
}
