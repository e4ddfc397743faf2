package dev.quayside.devstack.mesos;

import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The busybox sample app, built here from Debian's static busybox: {@code FROM scratch}, busybox as {@code /bin/busybox}
 * and {@code /bin/sh}, and {@code httpd -f -p 8080 -h /www} serving {@code /health} and {@code /version}. The
 * {@code broken} variant has no {@code /health} (404), so its health check never passes.
 */
public final class SampleImages {

    static final String REPOSITORY = "quayside-devstack-marathon-sample";
    public static final String V1 = REPOSITORY + ":v1";
    public static final String V2 = REPOSITORY + ":v2";
    public static final String BROKEN = REPOSITORY + ":broken";

    private SampleImages() {
    }

    /** Builds the three tags once (an existing tag is kept); ~3 s each on vfs. */
    public static synchronized void build() {
        try (DockerTasks docker = new DockerTasks(null, true)) {
            build(docker, V1, "v1", true);
            build(docker, V2, "v2", true);
            build(docker, BROKEN, "broken", false);
        }
    }

    private static void build(DockerTasks docker, String tag, String version, boolean health) {
        try {
            docker.client().inspectImageCmd(tag).exec();
            return;
        } catch (NotFoundException e) {
            // build it
        }
        Path busybox = Paths.get("/bin/busybox");
        if (!Files.isRegularFile(busybox)) {
            throw new IllegalStateException("/bin/busybox is missing: install Debian's busybox-static");
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("marathon-sample-");
            Files.copy(busybox, dir.resolve("busybox"));
            Files.createDirectories(dir.resolve("www"));
            Files.writeString(dir.resolve("www/version"), version, StandardCharsets.UTF_8);
            if (health) {
                Files.writeString(dir.resolve("www/health"), "ok", StandardCharsets.UTF_8);
            }
            Files.writeString(dir.resolve("Dockerfile"), """
                    FROM scratch
                    COPY busybox /bin/busybox
                    COPY busybox /bin/sh
                    COPY www /www
                    EXPOSE 8080
                    ENTRYPOINT ["/bin/busybox", "httpd", "-f", "-p", "8080", "-h", "/www"]
                    """, StandardCharsets.UTF_8);
            docker.client().buildImageCmd(dir.toFile()).withTags(Set.of(tag)).withPull(false)
                    .exec(new BuildImageResultCallback()).awaitImageId(120, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (dir != null) {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                } catch (IOException e) {
                    // temp files only
                }
            }
        }
    }
}
