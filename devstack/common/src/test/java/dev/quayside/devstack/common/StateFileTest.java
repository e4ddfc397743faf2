package dev.quayside.devstack.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateFileTest {

    @Test
    void theNewestSnapshotIsOnDiskAfterCloseAndReadBackByTheNextRun(@TempDir Path dir) throws IOException {
        Path path = dir.resolve("nested/state.json");
        StateFile first = new StateFile(path);
        assertThat(first.existed()).isFalse();
        assertThat(first.read()).isNull();
        for (int i = 0; i < 100; i++) {
            first.write("{\"n\":" + i + "}");
        }
        first.close();
        assertThat(Files.readString(path)).isEqualTo("{\"n\":99}");
        assertThat(dir.resolve("nested/state.json.tmp")).doesNotExist();

        StateFile second = new StateFile(path);
        assertThat(second.existed()).isTrue();
        assertThat(second.read()).isEqualTo("{\"n\":99}");
        second.close();
    }
}
