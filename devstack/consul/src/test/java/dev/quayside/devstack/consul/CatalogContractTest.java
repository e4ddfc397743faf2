package dev.quayside.devstack.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.consul.Check;
import io.vertx.ext.consul.CheckOptions;
import io.vertx.ext.consul.CheckStatus;
import io.vertx.ext.consul.Service;
import io.vertx.ext.consul.ServiceEntry;
import io.vertx.ext.consul.ServiceEntryList;
import io.vertx.ext.consul.ServiceOptions;
import io.vertx.ext.consul.ServiceQueryOptions;
import io.vertx.mutiny.core.http.HttpServer;
import io.vertx.mutiny.ext.consul.ConsulClient;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Agent, Catalog and Health HTTP APIs: service register → catalog → health, driven through the Vert.x client. */
class CatalogContractTest {

    static ConsulTarget consul;
    static ConsulClient client;

    @BeforeAll
    static void start() {
        consul = ConsulTarget.start();
        client = consul.client();
    }

    @AfterAll
    static void stop() {
        client.close();
        consul.close();
    }

    static String name(String base) {
        return base + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private List<ServiceEntry> health(String service, boolean passing) {
        ServiceEntryList list = client.healthServiceNodes(service, passing).await().atMost(ConsulTarget.TIMEOUT);
        return list.getList();
    }

    @Test
    @DisplayName("Agent › Register Service: it shows in agent/services, catalog/services and catalog/service")
    void registerShowsEverywhere() {
        String name = name("web");
        client.registerService(new ServiceOptions().setName(name).setId(name + ":1").setTags(List.of("prod", "v1"))
                .setAddress("127.0.0.1").setPort(5000).setMeta(Map.of("version", "1.2.3")))
                .await().atMost(ConsulTarget.TIMEOUT);
        try {
            Service local = client.localServices().await().atMost(ConsulTarget.TIMEOUT).stream()
                    .filter(s -> s.getId().equals(name + ":1")).findFirst().orElseThrow();
            assertThat(local.getName()).isEqualTo(name);
            assertThat(local.getTags()).containsExactly("prod", "v1");
            assertThat(local.getMeta()).containsEntry("version", "1.2.3");
            assertThat(local.getPort()).isEqualTo(5000);

            assertThat(client.catalogServices().await().atMost(ConsulTarget.TIMEOUT).getList())
                    .anyMatch(s -> s.getName().equals(name) && s.getTags().containsAll(List.of("prod", "v1")))
                    .anyMatch(s -> s.getName().equals("consul"));

            List<Service> nodes = client.catalogServiceNodes(name).await().atMost(ConsulTarget.TIMEOUT).getList();
            assertThat(nodes).hasSize(1);
            assertThat(nodes.get(0).getId()).isEqualTo(name + ":1");
            assertThat(nodes.get(0).getAddress()).isEqualTo("127.0.0.1");
            assertThat(nodes.get(0).getNodeAddress()).isNotEmpty();
            assertThat(nodes.get(0).getPort()).isEqualTo(5000);

            assertThat(client.catalogServiceNodesWithOptions(name, new ServiceQueryOptions().setTag("prod"))
                    .await().atMost(ConsulTarget.TIMEOUT).getList()).hasSize(1);
            assertThat(client.catalogServiceNodesWithOptions(name, new ServiceQueryOptions().setTag("canary"))
                    .await().atMost(ConsulTarget.TIMEOUT).getList()).isEmpty();
        } finally {
            client.deregisterService(name + ":1").await().atMost(ConsulTarget.TIMEOUT);
        }
        assertThat(client.catalogServiceNodes(name).await().atMost(ConsulTarget.TIMEOUT).getList()).isEmpty();
        assertThat(client.catalogServices().await().atMost(ConsulTarget.TIMEOUT).getList())
                .noneMatch(s -> s.getName().equals(name));
    }

    @Test
    @DisplayName("Agent › TTL Check Pass/Fail: health ?passing follows the check status")
    void ttlCheckDrivesHealth() {
        String name = name("worker");
        client.registerService(new ServiceOptions().setName(name).setId(name).setPort(1)
                .setCheckOptions(new CheckOptions().setTtl("30s"))).await().atMost(ConsulTarget.TIMEOUT);
        try {
            List<ServiceEntry> all = health(name, false);
            assertThat(all).hasSize(1);
            Check check = all.get(0).getChecks().stream().filter(c -> c.getServiceId().equals(name)).findFirst()
                    .orElseThrow();
            assertThat(check.getId()).isEqualTo("service:" + name);
            assertThat(check.getName()).isEqualTo("Service '" + name + "' check");
            assertThat(check.getStatus()).as("checks start critical").isEqualTo(CheckStatus.CRITICAL);
            assertThat(health(name, true)).isEmpty();

            client.passCheckWithNote("service:" + name, "all good").await().atMost(ConsulTarget.TIMEOUT);
            assertThat(health(name, true)).hasSize(1);
            assertThat(client.localChecks().await().atMost(ConsulTarget.TIMEOUT)).anyMatch(
                    c -> c.getId().equals("service:" + name) && "all good".equals(c.getOutput()));

            client.warnCheck("service:" + name).await().atMost(ConsulTarget.TIMEOUT);
            assertThat(health(name, true)).as("warning is not passing").isEmpty();
            client.failCheck("service:" + name).await().atMost(ConsulTarget.TIMEOUT);
            assertThat(health(name, false).get(0).getChecks()).anyMatch(c -> c.getStatus() == CheckStatus.CRITICAL);
        } finally {
            client.deregisterService(name).await().atMost(ConsulTarget.TIMEOUT);
        }
    }

    @Test
    @DisplayName("Agent › Register Service Check HTTP: really run against a loopback server (2xx passing, 503 critical)")
    void httpCheckRuns() {
        AtomicInteger status = new AtomicInteger(200);
        HttpServer server = consul.vertx.createHttpServer()
                .requestHandler(req -> req.response().setStatusCode(status.get()).endAndForget("ok from app"))
                .listen(0, "127.0.0.1").await().atMost(ConsulTarget.TIMEOUT);
        String name = name("api");
        try {
            client.registerService(new ServiceOptions().setName(name).setId(name).setPort(server.actualPort())
                    .setAddress("127.0.0.1").setCheckOptions(new CheckOptions()
                            .setHttp("http://127.0.0.1:" + server.actualPort() + "/health").setInterval("200ms")))
                    .await().atMost(ConsulTarget.TIMEOUT);
            await().atMost(Duration.ofSeconds(10)).until(() -> health(name, true).size() == 1);
            Check check = health(name, true).get(0).getChecks().stream()
                    .filter(c -> c.getServiceId().equals(name)).findFirst().orElseThrow();
            assertThat(check.getOutput()).contains("200").contains("ok from app");

            status.set(503);
            await().atMost(Duration.ofSeconds(10)).until(() -> health(name, true).isEmpty());
        } finally {
            client.deregisterService(name).await().atMost(ConsulTarget.TIMEOUT);
            server.closeAndAwait();
        }
    }

    @Test
    @DisplayName("Agent › Register Service Check TCP: really run (refused connection is critical)")
    void tcpCheckRuns() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (ServerSocket open = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            String up = name("tcp-up");
            String down = name("tcp-down");
            client.registerService(new ServiceOptions().setName(up).setId(up).setPort(open.getLocalPort())
                    .setCheckOptions(new CheckOptions().setTcp("127.0.0.1:" + open.getLocalPort())
                            .setInterval("200ms"))).await().atMost(ConsulTarget.TIMEOUT);
            client.registerService(new ServiceOptions().setName(down).setId(down).setPort(closedPort)
                    .setCheckOptions(new CheckOptions().setTcp("127.0.0.1:" + closedPort).setInterval("200ms")))
                    .await().atMost(ConsulTarget.TIMEOUT);
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> health(up, true).size() == 1);
                await().atMost(Duration.ofSeconds(10)).until(() -> health(down, false).get(0).getChecks().stream()
                        .anyMatch(c -> c.getServiceId().equals(down) && !c.getOutput().isEmpty()));
                assertThat(health(down, true)).isEmpty();
            } finally {
                client.deregisterService(up).await().atMost(ConsulTarget.TIMEOUT);
                client.deregisterService(down).await().atMost(ConsulTarget.TIMEOUT);
            }
        }
    }

    @Test
    @DisplayName("Agent › checks against non-loopback addresses stay critical and say why (stand-in rule)")
    void nonLoopbackStaysCritical() {
        consul.assumeStandIn("only the stand-in refuses non-loopback check targets");
        String name = name("remote");
        client.registerService(new ServiceOptions().setName(name).setId(name).setPort(80).setCheckOptions(
                new CheckOptions().setHttp("http://172.17.0.2/health").setInterval("1s")))
                .await().atMost(ConsulTarget.TIMEOUT);
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> health(name, false).get(0).getChecks().stream()
                    .anyMatch(c -> c.getServiceId().equals(name) && c.getOutput().contains("loopback")));
            assertThat(health(name, true)).isEmpty();
        } finally {
            client.deregisterService(name).await().atMost(ConsulTarget.TIMEOUT);
        }
    }

    @Test
    @DisplayName("Agent › Register Service: several Checks get ids service:<id>:1, :2 and deregistration removes them")
    void multipleChecks() {
        String name = name("multi");
        client.registerService(new ServiceOptions().setName(name).setId(name).setPort(1).setCheckListOptions(List.of(
                new CheckOptions().setTtl("10s"), new CheckOptions().setTtl("10s").setName("second"))))
                .await().atMost(ConsulTarget.TIMEOUT);
        List<String> ids = client.localChecks().await().atMost(ConsulTarget.TIMEOUT).stream()
                .filter(c -> name.equals(c.getServiceName())).map(Check::getId).sorted().collect(Collectors.toList());
        assertThat(ids).containsExactly("service:" + name + ":1", "service:" + name + ":2");
        client.deregisterService(name).await().atMost(ConsulTarget.TIMEOUT);
        assertThat(client.localChecks().await().atMost(ConsulTarget.TIMEOUT))
                .noneMatch(c -> name.equals(c.getServiceName()));
    }

    @Test
    @DisplayName("Health › List Service Instances: a blocking read wakes when a check changes status")
    void healthBlockingWakesOnCheckChange() throws Exception {
        String name = name("blocky");
        client.registerService(new ServiceOptions().setName(name).setId(name).setPort(1)
                .setCheckOptions(new CheckOptions().setTtl("30s"))).await().atMost(ConsulTarget.TIMEOUT);
        try {
            ServiceEntryList first = client.healthServiceNodes(name, true).await().atMost(ConsulTarget.TIMEOUT);
            assertThat(first.getList()).isEmpty();
            var next = client.healthServiceNodesWithOptions(name, true, new ServiceQueryOptions().setBlockingOptions(
                    new io.vertx.ext.consul.BlockingQueryOptions().setIndex(first.getIndex()).setWait("30s")))
                    .subscribeAsCompletionStage();
            Thread.sleep(200);
            assertThat(next).isNotDone();
            client.passCheck("service:" + name).await().atMost(ConsulTarget.TIMEOUT);
            ServiceEntryList woken = next.get(5, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(woken.getIndex()).isGreaterThan(first.getIndex());
            assertThat(woken.getList()).hasSize(1);
        } finally {
            client.deregisterService(name).await().atMost(ConsulTarget.TIMEOUT);
        }
    }

    @Test
    @DisplayName("Agent › Register Service: Consul's error texts for a missing name and a bad check (raw HTTP)")
    void registrationErrors() {
        var noName = consul.send("PUT", "/v1/agent/service/register", "{\"Port\": 80}");
        assertThat(noName.statusCode()).isEqualTo(400);
        assertThat(noName.body()).isEqualTo("Missing service name");

        var noInterval = consul.send("PUT", "/v1/agent/service/register",
                new JsonObject().put("Name", "x").put("Check", new JsonObject().put("HTTP", "http://127.0.0.1/"))
                        .encode());
        assertThat(noInterval.statusCode()).isEqualTo(400);
        assertThat(noInterval.body()).startsWith("Invalid check: Interval must be > 0");

        var wrongType = consul.send("PUT", "/v1/agent/service/register", "{\"Name\": \"x\", \"Port\": \"80\"}");
        assertThat(wrongType.statusCode()).isEqualTo(400);
        assertThat(wrongType.body()).startsWith("Request decode failed: json: cannot unmarshal string");

        var malformed = consul.send("PUT", "/v1/agent/service/register", "{\"Name\": ");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.body()).startsWith("Request decode failed");

        var unknown = consul.send("PUT", "/v1/agent/service/deregister/no-such-service", null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).startsWith("Unknown service ID \"no-such-service\"");

        var unknownCheck = consul.send("PUT", "/v1/agent/check/pass/no-such-check", null);
        assertThat(unknownCheck.statusCode()).isEqualTo(404);
        assertThat(unknownCheck.body()).startsWith("Unknown check ID \"no-such-check\"");
    }

    @Test
    @DisplayName("Agent › Register Service again unchanged (registrator's resync): the health index stays, a change moves it")
    void unchangedReRegistrationIsNoChange() {
        String name = name("resync");
        ServiceOptions options = new ServiceOptions().setName(name).setId(name).setPort(7000).setAddress("127.0.0.1")
                .setTags(List.of("a")).setCheckOptions(new CheckOptions().setTtl("1m"));
        client.registerService(options).await().atMost(ConsulTarget.TIMEOUT);
        try {
            client.passCheck("service:" + name).await().atMost(ConsulTarget.TIMEOUT);
            long index = client.healthServiceNodes(name, true).await().atMost(ConsulTarget.TIMEOUT).getIndex();
            client.registerService(options).await().atMost(ConsulTarget.TIMEOUT);
            ServiceEntryList after = client.healthServiceNodes(name, true).await().atMost(ConsulTarget.TIMEOUT);
            assertThat(after.getIndex()).isEqualTo(index);
            assertThat(after.getList()).as("the check kept its passing status").hasSize(1);

            client.registerService(options.setPort(7001)).await().atMost(ConsulTarget.TIMEOUT);
            assertThat(client.healthServiceNodes(name, false).await().atMost(ConsulTarget.TIMEOUT).getIndex())
                    .isGreaterThan(index);
        } finally {
            client.deregisterService(name).await().atMost(ConsulTarget.TIMEOUT);
        }
    }

    @Test
    @DisplayName("Agent › Register Service ?replace-existing-checks: checks missing from the definition stay unless asked")
    void replaceExistingChecks() {
        String name = name("replace");
        client.registerService(new ServiceOptions().setName(name).setId(name).setPort(1).setCheckListOptions(List.of(
                new CheckOptions().setId(name + "-a").setTtl("1m"), new CheckOptions().setId(name + "-b").setTtl("1m"))))
                .await().atMost(ConsulTarget.TIMEOUT);
        try {
            String single = new JsonObject().put("ID", name).put("Name", name).put("Port", 1)
                    .put("Check", new JsonObject().put("CheckID", name + "-a").put("TTL", "1m")).encode();
            consul.send("PUT", "/v1/agent/service/register", single);
            assertThat(checkIds(name)).containsExactly(name + "-a", name + "-b");
            consul.send("PUT", "/v1/agent/service/register?replace-existing-checks", single);
            assertThat(checkIds(name)).containsExactly(name + "-a");
        } finally {
            client.deregisterService(name).await().atMost(ConsulTarget.TIMEOUT);
        }
    }

    private List<String> checkIds(String service) {
        return client.localChecks().await().atMost(ConsulTarget.TIMEOUT).stream()
                .filter(c -> service.equals(c.getServiceName())).map(Check::getId).sorted()
                .collect(Collectors.toList());
    }

    @Test
    @DisplayName("Agent › Enable Maintenance Mode: a critical _service_maintenance check takes the instance out")
    void maintenanceMode() {
        String name = name("maint");
        client.registerService(new ServiceOptions().setName(name).setId(name).setPort(1)
                .setCheckOptions(new CheckOptions().setTtl("1m").setStatus(CheckStatus.PASSING)))
                .await().atMost(ConsulTarget.TIMEOUT);
        try {
            assertThat(health(name, true)).hasSize(1);
            client.maintenanceService(new io.vertx.ext.consul.MaintenanceOptions().setId(name).setEnable(true)
                    .setReason("upgrading")).await().atMost(ConsulTarget.TIMEOUT);
            assertThat(health(name, true)).isEmpty();
            assertThat(health(name, false).get(0).getChecks()).anyMatch(c ->
                    c.getId().equals("_service_maintenance:" + name) && "upgrading".equals(c.getNotes())
                            && c.getStatus() == CheckStatus.CRITICAL);
            client.maintenanceService(new io.vertx.ext.consul.MaintenanceOptions().setId(name).setEnable(false))
                    .await().atMost(ConsulTarget.TIMEOUT);
            assertThat(health(name, true)).hasSize(1);
        } finally {
            client.deregisterService(name).await().atMost(ConsulTarget.TIMEOUT);
        }
    }

    @Test
    @DisplayName("Status › leader and peers; Agent › Read Configuration (what probing clients read)")
    void statusAndSelf() {
        assertThat(client.leaderStatus().await().atMost(ConsulTarget.TIMEOUT)).isNotEmpty();
        assertThat(client.peersStatus().await().atMost(ConsulTarget.TIMEOUT)).isNotEmpty();
        JsonObject self = client.agentInfo().await().atMost(ConsulTarget.TIMEOUT);
        assertThat(self.getJsonObject("Config").getString("Datacenter")).isNotEmpty();
        assertThat(self.getJsonObject("Config").getString("NodeName")).isNotEmpty();
        assertThat(self.getJsonObject("Member").getString("Addr")).isNotEmpty();
        var raw = consul.send("GET", "/v1/catalog/datacenters", null);
        assertThat(new JsonArray(raw.body()).getList()).isNotEmpty();
    }
}
