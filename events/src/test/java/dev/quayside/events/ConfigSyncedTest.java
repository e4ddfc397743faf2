package dev.quayside.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The one line people read for a sync: the board's event list and timeline, {@code quayside up}'s progress. */
class ConfigSyncedTest {

    private static final String SHA = "c19835f0a1b2c3d4e5f60718293a4b5c6d7e8f90";

    @Test
    void oneAppsAnnouncementNamesTheAppFirst() {
        ConfigSynced whole = new ConfigSynced("deploy-config", "main", null, SHA,
                List.of("quayside/config/deploy-config/main/marathon/local/web.json", "quayside/config/x"),
                List.of("quayside/config/deploy-config/main/marathon/local/old.json"), List.of(), 4, false, List.of(),
                List.of(), ConfigSynced.Outcome.SYNCED, null);
        assertThat(whole.summary()).isEqualTo("deploy-config/main@c19835f SYNCED → Consul (2 put, 1 deleted)");
        assertThat(whole.forApp("web", List.of("k"), List.of(), List.of(), List.of(), List.of()).summary())
                .isEqualTo("web: deploy-config/main@c19835f SYNCED → Consul (1 put, 0 deleted)");
    }

    @Test
    void aFailedSyncWithoutListsOrCommitStillReads() {
        ConfigSynced failed = new ConfigSynced("deploy-config", "main", null, null, null, null, null, 0, false, null,
                null, ConfigSynced.Outcome.FAILED, "Consul unreachable");
        assertThat(failed.summary()).isEqualTo("deploy-config/main@? FAILED → Consul (0 put, 0 deleted)");
    }
}
