package dev.quayside.configsyncer.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quayside.devstack.common.FreePorts;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Credentials written into a clone URL never reach a Git failure's message or stack trace (issue #18, item 7). */
class GitExceptionRedactionTest {

    @TempDir
    Path dir;

    @Test
    void aFailedFetchFromAUrlWithCredentialsNamesTheUrlWithoutThem() throws Exception {
        int closed = FreePorts.pick();
        String url = "http://deploy-bot:s3cr3t-t0ken@127.0.0.1:" + closed + "/deploy.git";
        GitWorkspace ws = new GitClient(dir).workspace("deploy", url, null, null);
        GitException failure = null;
        try {
            ws.fetch("main");
        } catch (GitException e) {
            failure = e;
        }
        assertThat(failure).as("fetching from a closed port fails").isNotNull();
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        assertThat(failure.getMessage()).contains("127.0.0.1:" + closed).doesNotContain("s3cr3t-t0ken")
                .doesNotContain("deploy-bot");
        assertThat(trace.toString()).contains("127.0.0.1:" + closed).doesNotContain("s3cr3t-t0ken")
                .doesNotContain("deploy-bot");
    }

    @Test
    void aCauseWithoutCredentialsIsKeptAsItIs() {
        IllegalStateException cause = new IllegalStateException("no such ref refs/heads/x");
        assertThat(new GitException("fetch failed: " + cause.getMessage(), cause).getCause()).isSameAs(cause);
        GitException redacted = new GitException("push to https://u:p@h/r.git failed",
                new IllegalStateException("https://u:p@h/r.git: rejected", new RuntimeException("at https://u:p@h")));
        assertThat(redacted.getMessage()).isEqualTo("push to https://h/r.git failed");
        assertThat(redacted.getCause()).hasToString("java.lang.IllegalStateException: https://h/r.git: rejected");
        assertThat(redacted.getCause().getCause()).hasToString("java.lang.RuntimeException: at https://h");
        assertThat(redacted.getCause().getStackTrace()).isNotEmpty();
        assertThatThrownBy(() -> {
            throw redacted;
        }).hasMessageNotContaining("u:p");
    }
}
