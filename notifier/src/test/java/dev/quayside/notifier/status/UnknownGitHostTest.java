package dev.quayside.notifier.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.notifier.support.BadChannelProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.Test;

/** A commit-status host the notifier does not know stops it at start-up, naming the key and the hosts it knows. */
@QuarkusMainTest
@TestProfile(BadChannelProfile.UnknownGitHost.class)
class UnknownGitHostTest {

    @Test
    @Launch(value = {}, exitCode = 1)
    void theNotifierRefusesToStart(LaunchResult result) {
        assertThat(result.getErrorOutput() + result.getOutput()).contains("quayside.notifier.channels.git.host")
                .contains("sourceforge").contains("github", "gitlab", "gitea", "bitbucket-cloud", "bitbucket-server")
                .doesNotContain(BadChannelProfile.UnknownGitHost.TOKEN);
    }
}
