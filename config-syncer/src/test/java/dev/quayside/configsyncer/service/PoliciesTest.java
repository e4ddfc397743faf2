package dev.quayside.configsyncer.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
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
        assertThat(p.accepts("prod", "v1.4.2")).isTrue();
        assertThat(p.accepts("prod", "refs/tags/1.9.9")).isTrue();
        assertThat(p.accepts("prod", "refs/heads/1.9.9")).isFalse();
        assertThat(p.accepts("prod", "v2.0.0")).isFalse();
        assertThat(p.accepts("prod", "v1.5.0-rc.1")).isFalse();
        assertThat(p.accepts("qa", "main")).isTrue();
        assertThat(p.accepts("qa", "0.3.5")).isTrue();
        assertThat(p.accepts("qa", "0.4.0")).isFalse();
        assertThat(p.accepts("qa", "2.7.1")).isTrue();
        assertThat(p.accepts("staging", "main")).isTrue();
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
}
