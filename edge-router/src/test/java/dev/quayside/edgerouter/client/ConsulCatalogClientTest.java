package dev.quayside.edgerouter.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.edgerouter.service.ServiceInstance.Health;
import io.vertx.ext.consul.Check;
import io.vertx.ext.consul.CheckStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Consul rules the blocking-query loops follow. */
class ConsulCatalogClientTest {

    @Test
    void indexGoesForwardResetsWhenItGoesBackAndNeverSpinsOnZero() {
        assertThat(ConsulCatalogClient.nextIndex(0, 7)).isEqualTo(7);
        assertThat(ConsulCatalogClient.nextIndex(7, 7)).isEqualTo(7);
        assertThat(ConsulCatalogClient.nextIndex(7, 9)).isEqualTo(9);
        assertThat(ConsulCatalogClient.nextIndex(9, 3)).as("went backwards: start again").isEqualTo(0);
        assertThat(ConsulCatalogClient.nextIndex(0, 0)).as("0 would not block").isEqualTo(1);
    }

    @Test
    void theWorstCheckWins() {
        Check passing = new Check().setId("a").setStatus(CheckStatus.PASSING);
        Check warning = new Check().setId("b").setStatus(CheckStatus.WARNING);
        Check critical = new Check().setId("c").setStatus(CheckStatus.CRITICAL);
        Check unknown = new Check().setId("d");
        Check maintenance = new Check().setId("_service_maintenance:web-1").setStatus(CheckStatus.CRITICAL);
        assertThat(ConsulCatalogClient.health(List.of())).as("no checks: passing").isEqualTo(Health.PASSING);
        assertThat(ConsulCatalogClient.health(List.of(passing, warning))).isEqualTo(Health.WARNING);
        assertThat(ConsulCatalogClient.health(List.of(warning, critical, passing))).isEqualTo(Health.CRITICAL);
        assertThat(ConsulCatalogClient.health(List.of(passing, unknown))).isEqualTo(Health.CRITICAL);
        assertThat(ConsulCatalogClient.health(List.of(critical, maintenance))).isEqualTo(Health.MAINTENANCE);
    }
}
