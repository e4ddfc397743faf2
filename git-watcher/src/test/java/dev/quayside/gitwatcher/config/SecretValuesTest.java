package dev.quayside.gitwatcher.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretValuesTest {

    @Test
    void aSecretComesFromItsValueOrItsFileWithoutTheTrailingLineBreak(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("secret"), "from-a-file\n");
        Path crlf = Files.writeString(dir.resolve("crlf"), "windows\r\n");
        assertThat(SecretValues.resolve("k", Optional.of("inline"), Optional.empty())).contains("inline");
        assertThat(SecretValues.resolve("k", Optional.empty(), Optional.of(file))).contains("from-a-file");
        assertThat(SecretValues.resolve("k", Optional.of(""), Optional.of(crlf))).contains("windows");
        assertThat(SecretValues.resolve("k", Optional.of(""), Optional.empty())).isEmpty();
    }

    @Test
    void aBadFileOrTwoSourcesStopTheStartNamingTheKeyNotTheSecret(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("secret"), "s3cr3t");
        assertThatThrownBy(() -> SecretValues.resolve("quayside.git-watcher.default-secret", Optional.of("s3cr3t"),
                Optional.of(file))).hasMessageContaining("quayside.git-watcher.default-secret")
                .hasMessageContaining("not both").hasMessageNotContaining("s3cr3t");
        assertThatThrownBy(() -> SecretValues.resolve("k", Optional.empty(), Optional.of(dir.resolve("missing"))))
                .hasMessageContaining("k-file").hasMessageContaining("cannot be read");
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertThatThrownBy(() -> SecretValues.resolve("k", Optional.empty(), Optional.of(empty)))
                .hasMessageContaining("is empty");
    }
}
