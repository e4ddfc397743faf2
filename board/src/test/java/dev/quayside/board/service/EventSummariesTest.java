package dev.quayside.board.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.events.ConfigSynced;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.Promoted;
import dev.quayside.events.PromotionFailed;
import dev.quayside.events.PromotionWaiting;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one-line summaries of the promotion events, as the page, the API and {@code quayside events} show them. */
class EventSummariesTest {

    private static final String IMAGE = "127.0.0.1:5000/web:0fb1cc4f4e20@sha256:" + "ab".repeat(32);

    @Test
    void promotionsSayWhatWentWhereAndWhyNot() {
        assertThat(EventSummaries.summary(EventEnvelope.of(new PromotionWaiting("web", "deploy-config", "main", "staging",
                "prod", IMAGE, List.of("soak", "approval"), "2026-12-06T09:00:00Z", true, "2026-12-06T08:00:00Z"),
                "/config-syncer", "e1", "c1", Instant.now())))
                .isEqualTo("web waits to be promoted from staging to prod (soak, approval): " + IMAGE);
        assertThat(EventSummaries.summary(EventEnvelope.of(new Promoted("web", "deploy-config", "main", "staging",
                "prod", IMAGE, "9d1e0aa2b3c4d5e6f708192a3b4c5d6e7f809102", "web@0fb1cc4", List.of(
                        "marathon/prod/web.json"), "c2"), "/config-syncer", "e2", "c1", Instant.now())))
                .isEqualTo("web promoted from staging to prod: " + IMAGE + " (config commit 9d1e0aa)");
        assertThat(EventSummaries.summary(EventEnvelope.of(new PromotionFailed("web", "deploy-config", "main", "staging",
                "prod", IMAGE, PromotionFailed.Reason.REJECTED, "rejected by ada: not on a Friday"), "/config-syncer",
                "e3", "c1", Instant.now())))
                .isEqualTo("web not promoted from staging to prod (REJECTED): rejected by ada: not on a Friday");
        assertThat(EventSummaries.summary(EventEnvelope.of(new dev.quayside.events.PromotionApproved("web",
                "deploy-config", "main", "staging", "prod", IMAGE, "ada", List.of("window"), "2026-12-06T08:00:00Z"),
                "/config-syncer", "e4", "c1", Instant.now())))
                .isEqualTo("web approved by ada for prod (still waiting: window): " + IMAGE);
        assertThat(EventSummaries.summary(EventEnvelope.of(new dev.quayside.events.PromotionApproved("web",
                "deploy-config", "main", "staging", "prod", IMAGE, null, List.of(), "2026-12-06T08:00:00Z"),
                "/config-syncer", "e5", "c1", Instant.now())))
                .isEqualTo("web approved for prod: " + IMAGE);
    }

    @Test
    void aSyncSaysItsOutcomeAndWhyItFailed() {
        String sha = "c19835f0a1b2c3d4e5f60718293a4b5c6d7e8f90";
        assertThat(EventSummaries.summary(EventEnvelope.of(new ConfigSynced("deploy-config", "main", null, sha,
                List.of("quayside/config/deploy-config/main/marathon/local/web.json"), List.of(), List.of(), 4, false,
                List.of(), List.of(), ConfigSynced.Outcome.SYNCED, null, "web"), "/config-syncer", "e6", "c1",
                Instant.now())))
                .isEqualTo("web: deploy-config/main@c19835f SYNCED → Consul (1 put, 0 deleted)");
        assertThat(EventSummaries.summary(EventEnvelope.of(new ConfigSynced("deploy-config", "main", null, sha,
                List.of(), List.of(), List.of(), 0, false, List.of(), List.of(), ConfigSynced.Outcome.FAILED,
                "Consul unreachable"), "/config-syncer", "e7", "c1", Instant.now())))
                .isEqualTo("deploy-config/main@c19835f FAILED → Consul (0 put, 0 deleted): Consul unreachable");
    }
}
