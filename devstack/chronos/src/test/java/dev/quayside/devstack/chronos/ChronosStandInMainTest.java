package dev.quayside.devstack.chronos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code bin/quayside devstack chronos}: the main class it names, and its arguments. */
class ChronosStandInMainTest {

    @Test
    void binQuaysideRunsThisModulesMainClass() throws Exception {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("bin/quayside"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("bin/quayside above the module").isNotNull();
        Matcher line = Pattern.compile("(?m)^\\s*chronos\\)\\s+exec java -cp \"\\$\\(classpath_of ([^)]+)\\)\" (\\S+)")
                .matcher(Files.readString(dir.resolve("bin/quayside")));
        assertThat(line.find()).as("the chronos case of cmd_devstack").isTrue();
        assertThat(line.group(1)).isEqualTo("devstack/chronos");
        assertThat(Class.forName(line.group(2))).isEqualTo(ChronosStandInMain.class);
    }

    @Test
    void argumentsAndWhatIsWrongWithThem() {
        ChronosStandInMain.Command defaults = ChronosStandInMain.parse(new String[0]);
        assertThat(defaults.options().port).isEqualTo(4400);
        assertThat(defaults.options().standInId()).isEqualTo("standalone");
        assertThat(defaults.stopJobsOnExit()).isFalse();
        ChronosStandInMain.Command given = ChronosStandInMain.parse(new String[] {"--port", "14400", "--id", "mine",
            "--default-image", "busybox:1", "--state-dir", "/tmp/chronos-state", "--stop-jobs-on-exit"});
        assertThat(given.options().port).isEqualTo(14400);
        assertThat(given.options().standInId()).isEqualTo("mine");
        assertThat(given.options().defaultImage).isEqualTo("busybox:1");
        assertThat(given.options().stateDir).isEqualTo(Path.of("/tmp/chronos-state"));
        assertThat(given.stopJobsOnExit()).isTrue();
        assertThatThrownBy(() -> ChronosStandInMain.parse(new String[] {"--port"})).hasMessage("--port needs a value");
        assertThatThrownBy(() -> ChronosStandInMain.parse(new String[] {"--port", "x"}))
                .hasMessage("--port needs a number, not \"x\"");
        assertThatThrownBy(() -> ChronosStandInMain.parse(new String[] {"--what"})).hasMessage("unknown option --what");
    }
}
