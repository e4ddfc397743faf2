package dev.quayside.devstack.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class-data archive policy of {@link ServiceProcess}, and its kill and restart, with real JVMs: a packaged app (a
 * jar that waits for SIGTERM) laid out as {@code <module>/target/quarkus-app/quarkus-run.jar} and the checkout's
 * {@code deploy/jvm.options}.
 */
class ServiceProcessArchiveTest {

    /** The "service": runs until it is stopped. */
    public static final class Idle {
        public static void main(String[] args) throws InterruptedException {
            System.out.println("idle service started");
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    @TempDir
    Path root;

    @Test
    void recordsAnArchiveWhenThereIsNoneUsesACurrentOneAndRecordsAgainAfterABuild() throws Exception {
        Path app = packageApp();
        Path archive = ServiceProcess.archiveOf(app);

        // USE without an archive: starts without one, writes none
        run(ServiceProcess.ClassArchive.USE);
        assertThat(archive).doesNotExist();

        // USE_OR_RECORD without an archive: the JVM writes one when the service stops
        run(ServiceProcess.ClassArchive.USE_OR_RECORD);
        assertThat(archive).isRegularFile();
        assertThat(Files.size(archive)).isGreaterThan(0);
        assertThat(ServiceProcess.hasCurrentArchive(app)).isTrue();

        // a current archive is used, not recorded again
        FileTime recorded = Files.getLastModifiedTime(archive);
        ServiceProcess using = ServiceProcess.start(root, "svc", 0, Map.of(), root.resolve("logs"),
                ServiceProcess.ClassArchive.USE_OR_RECORD);
        awaitStarted(using);
        assertThat(mapsArchive(using)).as("the running JVM has the archive mapped").isTrue();
        using.close();
        assertThat(Files.getLastModifiedTime(archive)).isEqualTo(recorded);

        // a new build (a quarkus-run.jar newer than the archive) makes it stale: used no more, recorded again
        Files.setLastModifiedTime(archive, FileTime.from(Instant.now().minusSeconds(120)));
        assertThat(ServiceProcess.hasCurrentArchive(app)).isFalse();
        run(ServiceProcess.ClassArchive.USE_OR_RECORD);
        assertThat(ServiceProcess.hasCurrentArchive(app)).isTrue();
        assertThat(Files.getLastModifiedTime(archive)).isGreaterThan(recorded);
    }

    @Test
    void aKilledServiceIsGoneAtOnceAndRestartsWithTheSameCommandLineItsLogKept() throws Exception {
        packageApp();
        ServiceProcess first = ServiceProcess.start(root, "svc", 0, Map.of("quayside.x", "1"), root.resolve("logs"));
        awaitStarted(first);
        assertThatThrownBy(first::restart).hasMessageContaining("still runs");

        first.kill();

        assertThat(first.isAlive()).isFalse();
        assertThat(ProcessHandle.of(first.pid())).isEmpty();
        ServiceProcess second = first.restart();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(second.log())
                    .split("idle service started", -1).length == 3);
            assertThat(second.pid()).isNotEqualTo(first.pid());
            assertThat(second.command()).isEqualTo(first.command()).contains("-Dquayside.x=1");
            assertThat(Files.readString(second.log())).contains("---- restarted at").contains("exit 137");
        } finally {
            second.close();
        }
    }

    private void run(ServiceProcess.ClassArchive mode) throws IOException {
        ServiceProcess service = ServiceProcess.start(root, "svc", 0, Map.of(), root.resolve("logs"), mode);
        awaitStarted(service);
        assertThat(mapsArchive(service)).as("a run without a current archive maps none").isFalse();
        service.close();
        assertThat(service.isAlive()).isFalse();
    }

    private static boolean mapsArchive(ServiceProcess service) throws IOException {
        return Files.readString(Path.of("/proc", String.valueOf(service.pid()), "maps"))
                .contains(ServiceProcess.ARCHIVE);
    }

    private static void awaitStarted(ServiceProcess service) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(service.log())
                && Files.readString(service.log()).contains("idle service started"));
    }

    /** {@code root/svc/target/quarkus-app/quarkus-run.jar} running {@link Idle}, and the checkout's JVM options. */
    private Path packageApp() throws IOException {
        Path app = Files.createDirectories(root.resolve("svc/target/quarkus-app"));
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Idle.class.getName());
        String entry = Idle.class.getName().replace('.', '/') + ".class";
        try (OutputStream file = Files.newOutputStream(app.resolve("quarkus-run.jar"));
                JarOutputStream jar = new JarOutputStream(file, manifest)) {
            jar.putNextEntry(new JarEntry(entry));
            try (var bytes = Idle.class.getClassLoader().getResourceAsStream(entry)) {
                bytes.transferTo(jar);
            }
            jar.closeEntry();
        }
        Path options = Path.of("../../" + ServiceProcess.JVM_OPTIONS).toAbsolutePath().normalize();
        Files.createDirectories(root.resolve("deploy"));
        Files.copy(options, root.resolve(ServiceProcess.JVM_OPTIONS));
        // the mtime granularity must not make the archive look as old as the jar
        Files.setLastModifiedTime(app.resolve("quarkus-run.jar"), FileTime.from(Instant.now().minusSeconds(60)));
        return app;
    }
}
