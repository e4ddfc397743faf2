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

    @Test
    void healthAnswersAreReadWithTheirCreateIndexAndOddValuesDoNotBreakTheRead() {
        io.vertx.core.json.JsonArray answer = new io.vertx.core.json.JsonArray("""
                [{"Node": {"Node": "n1", "Address": "10.0.0.1"},
                  "Service": {"ID": "web-2", "Service": "web", "Tags": ["a", 7, null], "Address": "",
                              "Port": 8080, "Meta": {"haproxy_vhost": "web.test", "n": 3}, "CreateIndex": 42},
                  "Checks": [{"CheckID": "serfHealth", "Status": "passing"},
                             {"CheckID": "service:web-2", "Status": "warning"}]},
                 {"Node": {"Node": "n1"}, "Service": {"ID": "web-1", "Service": "web", "Address": "10.0.0.9",
                  "Port": "x"}, "Checks": [{"CheckID": "_service_maintenance:web-1", "Status": "critical"}]},
                 "not an entry"]""");
        List<dev.quayside.edgerouter.service.ServiceInstance> instances = ConsulCatalogClient.toInstances(answer);
        assertThat(instances).extracting(i -> i.id()).containsExactly("web-1", "web-2");
        var web2 = instances.get(1);
        assertThat(web2.address()).as("the node's address when the service has none").isEqualTo("10.0.0.1");
        assertThat(web2.tags()).containsExactly("a");
        assertThat(web2.meta()).containsExactly(java.util.Map.entry("haproxy_vhost", "web.test"));
        assertThat(web2.createIndex()).isEqualTo(42);
        assertThat(web2.health()).isEqualTo(Health.WARNING);
        assertThat(instances.get(0).port()).isZero();
        assertThat(instances.get(0).health()).isEqualTo(Health.MAINTENANCE);
    }
}
