package dev.quayside.gitwatcher.service.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.quayside.events.CommitPushed;
import dev.quayside.gitwatcher.service.push.PushService;
import dev.quayside.gitwatcher.service.push.PushedRef;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WarmUpTest {

    @Test
    void syntheticPushesAreRealGitHubPushesOfDistinctHeads() throws Exception {
        GitHubHost host = new GitHubHost();
        WebhookDelivery first = host.parse("push", WebhookService.MAPPER.readTree(WarmUp.syntheticPush(0)));
        WebhookDelivery second = host.parse("push", WebhookService.MAPPER.readTree(WarmUp.syntheticPush(1)));

        assertThat(first.kind()).isEqualTo(WebhookDelivery.Kind.PUSH);
        assertThat(first.repository().fullName()).isEqualTo("quayside/warm-up");
        PushedRef pushed = first.refs().get(0);
        assertThat(pushed.ref()).isEqualTo("refs/heads/main");
        assertThat(PushService.change(pushed.ref(), pushed.before(), pushed.after()))
                .isEqualTo(CommitPushed.RefChange.BRANCH_UPDATED);
        assertThat(pushed.commits()).singleElement().satisfies(c -> assertThat(c.modified()).contains("README.md"));
        assertThat(second.refs().get(0).after()).isNotEqualTo(pushed.after());
    }

    @Test
    void runsTheWholePathForTheRoundsAskedWithinItsBudget() {
        assertThat(WarmUp.exercise(25, Duration.ofSeconds(30), JsonMapper.builder().build())).isEqualTo(25);
        assertThat(WarmUp.exercise(1_000_000, Duration.ofMillis(50), JsonMapper.builder().build()))
                .as("the budget bounds the rounds").isLessThan(1_000_000);
    }
}
