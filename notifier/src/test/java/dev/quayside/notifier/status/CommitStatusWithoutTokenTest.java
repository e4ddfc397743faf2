package dev.quayside.notifier.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.notifier.support.BadChannelProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.Test;

/** A commit-status channel without its token stops the notifier at start-up (exit code 1), naming the key to set. */
@QuarkusMainTest
@TestProfile(BadChannelProfile.CommitStatusWithoutToken.class)
class CommitStatusWithoutTokenTest {

    @Test
    @Launch(value = {}, exitCode = 1)
    void theNotifierRefusesToStart(LaunchResult result) {
        assertThat(result.getErrorOutput() + result.getOutput())
                .contains("channel 'git' (commit-status) needs quayside.notifier.channels.git.token");
    }
}
