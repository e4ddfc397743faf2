package dev.quayside.kit.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ${file::<path>}}: any configuration value read from a file, found by SmallRye Config's discovery. */
class FileSecretKeysHandlerTest {

    @TempDir
    Path dir;

    @Test
    void aValueIsTheFilesTextWithoutItsTrailingLineBreak() throws Exception {
        Path secret = Files.writeString(dir.resolve("registry-password"), "s3cr3t with spaces\n");
        SmallRyeConfig config = config(Map.of("quayside.registry.password", "${file::" + secret + "}"));

        assertThat(config.getValue("quayside.registry.password", String.class)).isEqualTo("s3cr3t with spaces");
    }

    @Test
    void anUnreadableFileStopsTheReadNamingTheFileAndNothingElse() {
        Path missing = dir.resolve("no-such-file");
        SmallRyeConfig config = config(Map.of("quayside.registry.password", "${file::" + missing + "}"));

        assertThatThrownBy(() -> config.getValue("quayside.registry.password", String.class))
                .hasMessageContaining(missing.toString());
    }

    @Test
    void aPathIsRequired() {
        assertThatThrownBy(() -> new FileSecretKeysHandler().decode(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("without a path");
    }

    private static SmallRyeConfig config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder().addDefaultInterceptors().addDiscoveredSecretKeysHandlers()
                .withSources(new PropertiesConfigSource(properties, "test", 100)).build();
    }
}
