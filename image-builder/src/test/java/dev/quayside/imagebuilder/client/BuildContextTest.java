package dev.quayside.imagebuilder.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildContextTest {

    @TempDir
    Path dir;

    @Test
    void aLinkToAFolderOutsideIsPackedAsALinkAndNothingBehindItIsRead() throws IOException {
        Path context = Files.createDirectories(dir.resolve("context"));
        Files.writeString(context.resolve("Dockerfile"), "FROM scratch\n");
        Path outside = Files.createDirectories(dir.resolve("host-etc"));
        Files.writeString(outside.resolve("shadow"), "root:secret\n");
        Files.createDirectories(context.resolve("www"));
        Files.createSymbolicLink(context.resolve("www/leak"), outside);

        Map<String, TarArchiveEntry> entries = pack(context);

        assertThat(entries).containsOnlyKeys("Dockerfile", "www/", "www/leak");
        assertThat(entries.get("www/leak").isSymbolicLink()).isTrue();
        assertThat(entries.get("www/leak").getLinkName()).isEqualTo(outside.toString());
    }

    @Test
    void dockerignoreFollowsDockersRules() throws IOException {
        Path context = Files.createDirectories(dir.resolve("context"));
        Files.writeString(context.resolve("Dockerfile"), "FROM scratch\n");
        Files.writeString(context.resolve(".dockerignore"), String.join("\n",
                "# a comment", ".git", "/secrets", "**/*.log", "docs", "!docs/keep.md", "Dockerfile", ""));
        for (String file : new String[] {".git/config", "secrets/key", "a/b/trace.log", "trace.log", "docs/drop.md",
                "docs/keep.md", "www/index.html", "www/secrets"}) {
            Files.createDirectories(context.resolve(file).getParent());
            Files.writeString(context.resolve(file), file);
        }

        Map<String, TarArchiveEntry> entries = pack(context);

        assertThat(entries.keySet()).as("a listed Dockerfile and .dockerignore are still sent, as Docker's client does")
                .contains("Dockerfile", ".dockerignore", "docs/keep.md", "www/index.html",
                        "www/secrets", "a/", "a/b/")
                .doesNotContain(".git/config", "secrets/key", "a/b/trace.log", "trace.log", "docs/drop.md", ".git/",
                        "secrets/");
    }

    @Test
    void patternsAreMatchedAgainstTheFileAndEveryFolderAboveIt() {
        BuildContext.Ignore ignore = BuildContext.Ignore.parse("build\n*/tmp\n!build/keep\n");
        assertThat(ignore.excludes("build")).isTrue();
        assertThat(ignore.excludes("build/out/x.class")).isTrue();
        assertThat(ignore.excludes("build/keep")).isFalse();
        assertThat(ignore.excludes("src/tmp/file")).isTrue();
        assertThat(ignore.excludes("src/deeper/tmp/file")).as("'*' does not cross a '/'").isFalse();
        assertThat(ignore.excludes("builder")).isFalse();
        BuildContext.Ignore globs = BuildContext.Ignore.parse("**/*.log\ndata/**\nx?.txt\n[ab].md\nweird+name(1)\n");
        assertThat(globs.excludes("top.log")).as("'**/' also matches no folder").isTrue();
        assertThat(globs.excludes("a/b/c.log")).isTrue();
        assertThat(globs.excludes("data/deep/file")).isTrue();
        assertThat(globs.excludes("x1.txt")).isTrue();
        assertThat(globs.excludes("x12.txt")).isFalse();
        assertThat(globs.excludes("a.md")).isTrue();
        assertThat(globs.excludes("c.md")).isFalse();
        assertThat(globs.excludes("weird+name(1)")).as("regular-expression characters are literal").isTrue();
        assertThat(globs.excludes("weirdname1")).isFalse();
    }

    @Test
    void anInvalidPatternFailsTheBuildNamingIt() {
        assertThatThrownBy(() -> BuildContext.Ignore.parse("ok\nbad[\n"))
                .isInstanceOf(BuildFailedException.class).hasMessage(".dockerignore: invalid pattern 'bad['");
    }

    private static Map<String, TarArchiveEntry> pack(Path context) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BuildContext.pack(context, context.resolve("Dockerfile"), out);
        Map<String, TarArchiveEntry> entries = new LinkedHashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new ByteArrayInputStream(out.toByteArray()))) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                entries.put(entry.getName(), entry);
            }
        }
        return entries;
    }
}
