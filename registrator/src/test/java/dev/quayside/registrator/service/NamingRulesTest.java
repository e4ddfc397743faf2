package dev.quayside.registrator.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.registrator.service.ContainerFacts.HostBinding;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Registrator's naming and metadata rules, case by case, without a daemon (real containers: NamingContainersTest). */
class NamingRulesTest {

    static final NamingRules.Options DEFAULT = new NamingRules.Options("host1", "127.0.0.1", null, false, false, "");

    /** Expected registration: id, name, address, port, tags, meta. */
    record Expected(String id, String name, String address, int port, List<String> tags, Map<String, String> meta) {
    }

    record Case(String title, NamingRules.Options options, ContainerFacts container, List<Expected> expected) {
        @Override
        public String toString() {
            return title;
        }
    }

    static ContainerFacts container(String image, List<String> env, Map<String, String> labels,
            Map<String, List<HostBinding>> published) {
        return new ContainerFacts("c0ffee0000000000000000000000000000000000000000000000000000000001", "web1", image,
                env, labels, List.copyOf(published.keySet()), published, "bridge", "172.17.0.5",
                Map.of("bridge", "172.17.0.5"), true, 0);
    }

    static Map<String, List<HostBinding>> port(String key, String hostPort) {
        return Map.of(key, List.of(new HostBinding("127.0.0.1", hostPort)));
    }

    static Stream<Case> cases() {
        var p8080 = port("8080/tcp", "32768");
        var two = Map.of("8080/tcp", List.of(new HostBinding("127.0.0.1", "32768")),
                "9090/tcp", List.of(new HostBinding("127.0.0.1", "32769")));
        return Stream.of(
                new Case("image base name without registry, path or tag", DEFAULT,
                        container("127.0.0.1:5000/team/sample-app:1.2", List.of(), Map.of(), p8080),
                        List.of(new Expected("host1:web1:8080", "sample-app", "127.0.0.1", 32768, List.of(),
                                Map.of()))),
                new Case("SERVICE_NAME, SERVICE_TAGS split on commas, other SERVICE_* to Meta (lower case)", DEFAULT,
                        container("app:1", List.of("SERVICE_NAME=api", "SERVICE_TAGS=a,b", "SERVICE_REGION=eu",
                                "OTHER=x"), Map.of(), p8080),
                        List.of(new Expected("host1:web1:8080", "api", "127.0.0.1", 32768, List.of("a", "b"),
                                Map.of("region", "eu")))),
                new Case("labels win over env", DEFAULT,
                        container("app", List.of("SERVICE_NAME=from-env", "SERVICE_TAGS=env"),
                                Map.of("SERVICE_NAME", "from-label"), p8080),
                        List.of(new Expected("host1:web1:8080", "from-label", "127.0.0.1", 32768, List.of("env"),
                                Map.of()))),
                new Case("per-port keys win over plain ones, even a plain label over a per-port env", DEFAULT,
                        container("app", List.of("SERVICE_8080_NAME=port-name", "SERVICE_8080_TAGS=p"),
                                Map.of("SERVICE_NAME", "plain", "SERVICE_TAGS", "plain"), p8080),
                        List.of(new Expected("host1:web1:8080", "port-name", "127.0.0.1", 32768, List.of("p"),
                                Map.of()))),
                new Case("SERVICE_ID overrides the id", DEFAULT,
                        container("app", List.of("SERVICE_ID=my-id"), Map.of(), p8080),
                        List.of(new Expected("my-id", "app", "127.0.0.1", 32768, List.of(), Map.of()))),
                new Case("two ports: -<port> suffix, also with SERVICE_NAME, not with SERVICE_<port>_NAME", DEFAULT,
                        container("app", List.of("SERVICE_NAME=api", "SERVICE_9090_NAME=admin"), Map.of(), two),
                        List.of(new Expected("host1:web1:8080", "api-8080", "127.0.0.1", 32768, List.of(),
                                Map.of()),
                                new Expected("host1:web1:9090", "admin", "127.0.0.1", 32769, List.of(), Map.of()))),
                new Case("SERVICE_IGNORE ignores the container", DEFAULT,
                        container("app", List.of("SERVICE_IGNORE=true"), Map.of(), two), List.of()),
                new Case("SERVICE_<port>_IGNORE ignores one port; the other keeps its suffix", DEFAULT,
                        container("app", List.of("SERVICE_9090_IGNORE=1"), Map.of(), two),
                        List.of(new Expected("host1:web1:8080", "app-8080", "127.0.0.1", 32768, List.of(),
                                Map.of()))),
                new Case("exposed but unpublished ports are not registered", DEFAULT,
                        container("app", List.of(), Map.of(), Map.of("8080/tcp", List.of())), List.of()),
                new Case("explicit: only containers with SERVICE_NAME", new NamingRules.Options("host1", "127.0.0.1",
                        null, false, true, ""), container("app", List.of(), Map.of(), p8080), List.of()),
                new Case("explicit with SERVICE_NAME", new NamingRules.Options("host1", "127.0.0.1", null, false,
                        true, ""), container("app", List.of("SERVICE_NAME=x"), Map.of(), p8080),
                        List.of(new Expected("host1:web1:8080", "x", "127.0.0.1", 32768, List.of(), Map.of()))),
                new Case("internal: container address and exposed port, unpublished ports count",
                        new NamingRules.Options("host1", "127.0.0.1", null, true, false, ""),
                        container("app", List.of(), Map.of(), Map.of("8080/tcp", List.of())),
                        List.of(new Expected("host1:web1:8080", "app", "172.17.0.5", 8080, List.of(), Map.of()))),
                new Case("global tags after the container's; udp gets a tag and an id suffix",
                        new NamingRules.Options("host1", "127.0.0.1", null, false, false, "g1,g2"),
                        container("dns", List.of("SERVICE_TAGS=t"), Map.of(), port("53/udp", "30053")),
                        List.of(new Expected("host1:web1:53:udp", "dns", "127.0.0.1", 30053,
                                List.of("t", "g1", "g2", "udp"), Map.of()))),
                new Case("no fixed address: the binding's address", new NamingRules.Options("host1", null, null,
                        false, false, ""), container("app", List.of(), Map.of(), p8080),
                        List.of(new Expected("host1:web1:8080", "app", "127.0.0.1", 32768, List.of(), Map.of()))),
                new Case("Marathon ids go to Meta", DEFAULT,
                        container("app", List.of("MARATHON_APP_ID=/shop/web", "MESOS_TASK_ID=shop_web.1"), Map.of(),
                                p8080),
                        List.of(new Expected("host1:web1:8080", "app", "127.0.0.1", 32768, List.of(),
                                Map.of("marathon_app_id", "/shop/web", "mesos_task_id", "shop_web.1")))),
                new Case("empty SERVICE_NAME counts as unset; SERVICE_X without '=' is skipped", DEFAULT,
                        container("app", List.of("SERVICE_NAME=", "SERVICE_FLAG"), Map.of(), p8080),
                        List.of(new Expected("host1:web1:8080", "app", "127.0.0.1", 32768, List.of(), Map.of()))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void naming(Case c) {
        List<ServiceRegistration> services = new NamingRules(c.options()).services(c.container());
        assertThat(services).hasSameSizeAs(c.expected());
        for (int i = 0; i < services.size(); i++) {
            ServiceRegistration actual = services.get(i);
            Expected expected = c.expected().get(i);
            assertThat(actual.id()).as("id").isEqualTo(expected.id());
            assertThat(actual.name()).as("name").isEqualTo(expected.name());
            assertThat(actual.address()).as("address").isEqualTo(expected.address());
            assertThat(actual.port()).as("port").isEqualTo(expected.port());
            assertThat(actual.tags()).as("tags").isEqualTo(expected.tags());
            assertThat(actual.meta()).as("meta").isEqualTo(expected.meta());
        }
    }

    @Test
    void anImageCannotNameItsServiceJoinAnotherBackendOrClaimAHostButMaySayHowToCheckIt() {
        // a Dockerfile (whoever can push to a watched repository wrote it): LABEL SERVICE_NAME=payments,
        // ENV SERVICE_HAPROXY_VHOST=pay.example.com SERVICE_TAGS=prod SERVICE_CHECK_HTTP=/health; Docker merges both
        // into the container's env and labels
        Set<String> fromImage = Set.of("SERVICE_NAME=payments", "SERVICE_HAPROXY_VHOST=pay.example.com",
                "SERVICE_TAGS=prod", "SERVICE_8080_ID=payments-1", "SERVICE_CHECK_HTTP=/health");
        var p8080 = port("8080/tcp", "32768");
        ContainerFacts pushed = new ContainerFacts("c0ffee0000000000000000000000000000000000000000000000000000000002",
                "web1", "registry:5000/team/shop:1", List.of("SERVICE_HAPROXY_VHOST=pay.example.com", "SERVICE_TAGS=prod",
                        "SERVICE_8080_ID=payments-1", "SERVICE_CHECK_HTTP=/health", "PATH=/bin"),
                Map.of("SERVICE_NAME", "payments"), List.of("8080/tcp"), p8080, "bridge", "172.17.0.5",
                Map.of("bridge", "172.17.0.5"), true, 0, null, fromImage);
        ServiceRegistration service = new NamingRules(DEFAULT).services(pushed).get(0);
        assertThat(service.name()).as("named by its image, not by what its Dockerfile says").isEqualTo("shop");
        assertThat(service.id()).isEqualTo("host1:web1:8080");
        assertThat(service.tags()).isEmpty();
        assertThat(service.meta()).doesNotContainKey("haproxy_vhost");
        assertThat(service.check()).as("an image says how it is checked").isNotNull();
        assertThat(service.check().http()).isEqualTo("http://127.0.0.1:32768/health");

        // what the deployment's definition sets at run time counts, over the image's
        ContainerFacts deployed = new ContainerFacts(pushed.id(), "web1", pushed.image(),
                List.of("SERVICE_HAPROXY_VHOST=shop.example.com", "SERVICE_CHECK_HTTP=/health"),
                Map.of("SERVICE_NAME", "shop-web"), List.of("8080/tcp"), p8080, "bridge", "172.17.0.5",
                Map.of("bridge", "172.17.0.5"), true, 0, null, fromImage);
        ServiceRegistration run = new NamingRules(DEFAULT).services(deployed).get(0);
        assertThat(run.name()).isEqualTo("shop-web");
        assertThat(run.meta()).containsEntry("haproxy_vhost", "shop.example.com");

        // Registrator's own behaviour, when asked for
        NamingRules trusting = new NamingRules(new NamingRules.Options("host1", "127.0.0.1", null, false, false, "",
                true));
        assertThat(trusting.services(pushed).get(0).name()).isEqualTo("payments");
        assertThat(trusting.services(pushed).get(0).meta()).containsEntry("haproxy_vhost", "pay.example.com");
    }

    @Test
    void httpCheckWithEveryOption() {
        ContainerFacts c = container("app", List.of("SERVICE_CHECK_HTTP=/health", "SERVICE_CHECK_INTERVAL=5s",
                "SERVICE_CHECK_TIMEOUT=2s", "SERVICE_CHECK_HTTP_METHOD=HEAD", "SERVICE_CHECK_INITIAL_STATUS=passing",
                "SERVICE_CHECK_DEREGISTER_AFTER=10m"), Map.of(), port("8080/tcp", "32768"));
        ServiceCheck check = new NamingRules(DEFAULT).services(c).get(0).check();
        assertThat(check).isEqualTo(new ServiceCheck("http://127.0.0.1:32768/health", "HEAD", null, null, null, null,
                false, false, "5s", "2s", "passing", "10m"));
        assertThat(check.needsRawRegistration()).isTrue();
    }

    @Test
    void checksOfEachKind() {
        NamingRules rules = new NamingRules(DEFAULT);
        assertThat(check(rules, "SERVICE_CHECK_HTTPS=/h").http()).isEqualTo("https://127.0.0.1:32768/h");
        ServiceCheck tcp = check(rules, "SERVICE_CHECK_TCP=true");
        assertThat(tcp.tcp()).isEqualTo("127.0.0.1:32768");
        assertThat(tcp.interval()).as("default interval").isEqualTo("10s");
        ServiceCheck ttl = check(rules, "SERVICE_CHECK_TTL=30s");
        assertThat(ttl.ttl()).isEqualTo("30s");
        assertThat(ttl.interval()).as("no interval on TTL checks").isNull();
        assertThat(check(rules, "SERVICE_CHECK_SCRIPT=nc $SERVICE_IP $SERVICE_PORT").args())
                .containsExactly("sh", "-c", "nc 127.0.0.1 32768");
        assertThat(check(rules, "SERVICE_CHECK_GRPC=true").grpc()).isEqualTo("127.0.0.1:32768");
        assertThat(check(rules, "SERVICE_NAME=x")).as("no check asked").isNull();
    }

    @Test
    void checkKeysStayInMetaLikeRegistrator() {
        ContainerFacts c = container("app", List.of("SERVICE_CHECK_TCP=true"), Map.of(), port("8080/tcp", "1"));
        assertThat(new NamingRules(DEFAULT).services(c).get(0).meta()).containsEntry("check_tcp", "true");
    }

    @Test
    void ownServiceIds() {
        NamingRules rules = new NamingRules(DEFAULT);
        assertThat(rules.isOwnServiceId("host1:web1:8080")).isTrue();
        assertThat(rules.isOwnServiceId("host1:web1:53:udp")).isTrue();
        assertThat(rules.isOwnServiceId("host2:web1:8080")).isFalse();
        assertThat(rules.isOwnServiceId("my-id")).isFalse();
        assertThat(rules.isOwnServiceId("consul")).isFalse();
    }

    @Test
    void hostNetworkingCountsExposedPortsAsPublished() {
        ContainerFacts c = new ContainerFacts("id1", "hostnet", "app", List.of(), Map.of(), List.of("7070/tcp"),
                Map.of(), "host", null, Map.of(), true, 0);
        List<ServiceRegistration> services = new NamingRules(DEFAULT).services(c);
        assertThat(services).singleElement().satisfies(s -> {
            assertThat(s.port()).isEqualTo(7070);
            assertThat(s.address()).isEqualTo("127.0.0.1");
        });
    }

    private static ServiceCheck check(NamingRules rules, String env) {
        return rules.services(container("app", List.of(env), Map.of(), port("8080/tcp", "32768"))).get(0).check();
    }
}
