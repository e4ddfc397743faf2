package dev.quayside.kit.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsTest {

    @TempDir
    Path dir;

    @Test
    void aValueOrAFileWithoutItsLineBreak() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "from-file\n");
        assertThat(Secrets.fromValueOrFile("x.token", Optional.of("given"), Optional.empty()).orElseThrow().reveal())
                .isEqualTo("given");
        Secret fromFile = Secrets.fromValueOrFile("x.token", Optional.empty(), Optional.of(file)).orElseThrow();
        assertThat(fromFile.reveal()).isEqualTo("from-file");
        assertThat(fromFile.toString()).doesNotContain("from-file").contains(file.toString());
        assertThat(Secrets.fromValueOrFile("x.token", Optional.of(" "), Optional.empty())).isEmpty();
        assertThat(Secrets.fromValueOrFile("x.token", Optional.empty(), Optional.empty())).isEmpty();
    }

    @Test
    void bothFormsOrAnUnreadableFileAreRefusedWithoutTheValue() {
        assertThatThrownBy(() -> Secrets.fromValueOrFile("x.token", Optional.of("v4lue"), Optional.of(dir.resolve("t"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x.token and x.token-file")
                .hasMessageNotContaining("v4lue");
        assertThatThrownBy(() -> Secrets.fromValueOrFile("x.token", Optional.empty(), Optional.of(dir.resolve("none"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x.token-file")
                .hasMessageContaining("none");
    }

    @Test
    void theEnvironmentOrItsFileSibling() throws Exception {
        Path file = Files.writeString(dir.resolve("consul"), "env-file-token");
        assertThat(Secrets.fromEnvironment("CONSUL_HTTP_TOKEN", Map.of("CONSUL_HTTP_TOKEN", "e")).orElseThrow().reveal())
                .isEqualTo("e");
        assertThat(Secrets.fromEnvironment("CONSUL_HTTP_TOKEN", Map.of("CONSUL_HTTP_TOKEN_FILE", file.toString()))
                .orElseThrow().reveal()).isEqualTo("env-file-token");
        assertThat(Secrets.fromEnvironment("CONSUL_HTTP_TOKEN", Map.of())).isEmpty();
        assertThatThrownBy(() -> Secrets.fromEnvironment("CONSUL_HTTP_TOKEN",
                Map.of("CONSUL_HTTP_TOKEN", "e", "CONSUL_HTTP_TOKEN_FILE", file.toString())))
                .hasMessageContaining("CONSUL_HTTP_TOKEN and CONSUL_HTTP_TOKEN_FILE");
    }

    @Test
    void aSecretMatchesOnlyItsValue() {
        Secret secret = Secret.of("abc", "k");
        assertThat(secret.matches("abc")).isTrue();
        assertThat(secret.matches("abcd")).isFalse();
        assertThat(secret.matches(null)).isFalse();
        assertThat(OperatorActionFilter.bearer("Bearer abc")).isEqualTo("abc");
        assertThat(OperatorActionFilter.bearer("bearer  abc ")).isEqualTo("abc");
        assertThat(OperatorActionFilter.bearer("Basic abc")).isNull();
        assertThat(OperatorActionFilter.bearer("Bearer ")).isNull();
        assertThat(OperatorActionFilter.bearer(null)).isNull();
    }
}
