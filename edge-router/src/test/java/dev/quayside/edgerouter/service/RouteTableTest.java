package dev.quayside.edgerouter.service;

import static dev.quayside.edgerouter.support.Catalogs.catalog;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.edgerouter.service.ServiceInstance.Health;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which catalog metadata makes which route, and what each bad value gets. */
class RouteTableTest {

    private static final RouteTable.Rules RULES = new RouteTable.Rules(Set.of("external"), 8000);

    @Test
    void metaAndTagsNameRoutesCaseInsensitively() {
        CatalogSnapshot catalog = new CatalogSnapshot(Map.of(
                "web", List.of(new ServiceInstance("web-1", "web", "n1", "10.0.0.1", 31000, List.of(),
                        Map.of("HAPROXY_0_VHOST", "Web.Example.com, www.example.com"), Health.PASSING)),
                "db", List.of(new ServiceInstance("db-1", "db", "n1", "10.0.0.2", 31001,
                        List.of("primary", "haproxy.port=5432"), Map.of(), Health.PASSING)),
                "plain", List.of(new ServiceInstance("plain-1", "plain", "n1", "10.0.0.3", 31002, List.of(),
                        Map.of(), Health.PASSING))));
        RouteTable table = RouteTable.of(catalog, RULES);
        assertThat(table.routes()).extracting(Route::service, Route::kind, Route::hosts, Route::port).containsExactly(
                org.assertj.core.groups.Tuple.tuple("db", Route.Kind.TCP, List.of(), 5432),
                org.assertj.core.groups.Tuple.tuple("web", Route.Kind.HTTP,
                        List.of("web.example.com", "www.example.com"), null));
        assertThat(table.problems()).isEmpty();
    }

    @Test
    void onlyPassingInstancesBecomeServersButAllAreShown() {
        RouteTable table = RouteTable.of(catalog().instance("api", "api-1", 1001, "haproxy_vhost", "api.test")
                .instance("api", "api-2", 1002, Health.WARNING, "haproxy_vhost", "api.test")
                .instance("api", "api-3", 1003, Health.CRITICAL, "haproxy_vhost", "api.test")
                .instance("api", "api-4", 1004, Health.MAINTENANCE, "haproxy_vhost", "api.test").build(), RULES);
        Route route = table.routes().get(0);
        assertThat(route.servers()).extracting(Route.Server::name).containsExactly("api-1");
        assertThat(route.instances()).extracting(Route.Instance::health).containsExactly(Health.PASSING,
                Health.WARNING, Health.CRITICAL, Health.MAINTENANCE);
    }

    @Test
    void aServiceWithNoPassingInstanceKeepsItsRouteWithNoServer() {
        RouteTable table = RouteTable.of(
                catalog().instance("api", "api-1", 1001, Health.CRITICAL, "haproxy_vhost", "api.test").build(), RULES);
        assertThat(table.routes()).hasSize(1);
        assertThat(table.routes().get(0).servers()).isEmpty();
    }

    @Test
    void groupsSelectWhatThisInstanceServes() {
        CatalogSnapshot catalog = catalog().instance("a", "a-1", 1, "haproxy_vhost", "a.test")
                .instance("b", "b-1", 2, "haproxy_vhost", "b.test", "haproxy_group", "internal").build();
        assertThat(RouteTable.of(catalog, RULES).routes()).extracting(Route::service).containsExactly("a");
        assertThat(RouteTable.of(catalog, new RouteTable.Rules(Set.of("internal"), 8000)).routes())
                .extracting(Route::service).containsExactly("b");
        assertThat(RouteTable.of(catalog, new RouteTable.Rules(Set.of("*"), 8000)).routes()).hasSize(2);
    }

    @Test
    void badValuesAreLeftOutWithAReason() {
        RouteTable table = RouteTable.of(catalog()
                .instance("inject", "i-1", 1, "haproxy_vhost", "x.test }\n    server evil 1.2.3.4:80")
                .instance("badport", "p-1", 2, "haproxy_port", "http")
                .instance("bigport", "p-2", 3, "haproxy_port", "70000")
                .instance("frontport", "p-3", 4, "haproxy_port", "8000")
                .instance("first", "f-1", 5, "haproxy_vhost", "shared.test", "haproxy_port", "9000")
                .instance("second", "s-1", 6, "haproxy_vhost", "shared.test", "haproxy_port", "9000")
                .build(), RULES);
        assertThat(table.routes()).extracting(Route::service).containsExactly("first", "first");
        assertThat(table.problems()).containsExactlyInAnyOrder(
                "inject: ignored virtual host 'x.test }\\n    server evil 1.2.3.4:80': not a host name (letters, digits, '-' and '.')",
                "badport: ignored port 'http': not a number",
                "bigport: ignored port 70000: outside 1-65535",
                "frontport: ignored port 8000: it is the shared HTTP front end's port",
                "second: ignored virtual host 'shared.test': already routed to first",
                "second: ignored port 9000: already routed to first");
    }

    @Test
    void unusableAddressesAndOddIdsAreHandled() {
        CatalogSnapshot catalog = new CatalogSnapshot(Map.of("web", List.of(
                new ServiceInstance("web 1/a", "web", "n1", "127.0.0.1", 80, List.of("haproxy_vhost=w.test"), Map.of(),
                        Health.PASSING),
                new ServiceInstance("web;2", "web", "n1", "127.0.0.1", 81, List.of("haproxy_vhost=w.test"), Map.of(),
                        Health.PASSING),
                new ServiceInstance("web-3", "web", "n1", "bad address", 82, List.of("haproxy_vhost=w.test"),
                        Map.of(), Health.PASSING),
                new ServiceInstance("web-4", "web", "n1", "::1", 83, List.of("haproxy_vhost=w.test"), Map.of(),
                        Health.PASSING))));
        Route route = RouteTable.of(catalog, RULES).routes().get(0);
        assertThat(route.servers()).extracting(Route.Server::name, Route.Server::endpoint).containsExactly(
                org.assertj.core.groups.Tuple.tuple("web_1_a", "127.0.0.1:80"),
                org.assertj.core.groups.Tuple.tuple("web-4", "[::1]:83"),
                org.assertj.core.groups.Tuple.tuple("web_2", "127.0.0.1:81"));
        assertThat(RouteTable.of(catalog, RULES).problems())
                .containsExactly("web: instance web-3 has no usable address:port (bad address:82)");
    }

    @Test
    void nonPrintableCatalogValuesAreLeftOutAndReportedEscaped() {
        CatalogSnapshot catalog = new CatalogSnapshot(Map.of(
                "evil\n    server x 10.0.0.9:80", List.of(new ServiceInstance("e-1", "evil", "n1", "10.0.0.1", 80,
                        List.of(), Map.of("haproxy_vhost", "evil.test"), Health.PASSING)),
                "web", List.of(
                        new ServiceInstance("web-1", "web", "n1", "10.0.0.2", 81, List.of(),
                                Map.of("haproxy_vhost", "web.test"), Health.PASSING),
                        new ServiceInstance("web-2\r\nbackend x", "web", "n1", "10.0.0.3", 82, List.of(),
                                Map.of("haproxy_vhost", "web.test"), Health.PASSING),
                        new ServiceInstance("web-3", "web", "n1\u0000", "10.0.0.4", 83, List.of(),
                                Map.of("haproxy_vhost", "web.test"), Health.PASSING),
                        new ServiceInstance("web-4", "web", "n1", "shop.example.com", 84, List.of(),
                                Map.of("haproxy_vhost", "web.test"), Health.PASSING),
                        new ServiceInstance("web-5", "web", "n1", "10.0.0.5 backup", 85, List.of(),
                                Map.of("haproxy_vhost", "web.test\n    server y 10.0.0.9:80"), Health.PASSING))));
        RouteTable table = RouteTable.of(catalog, RULES);
        assertThat(table.routes()).extracting(Route::service).containsExactly("web");
        Route web = table.routes().get(0);
        assertThat(web.servers()).extracting(Route.Server::name).containsExactly("web-1");
        assertThat(web.instances()).extracting(Route.Instance::id).as("unprintable instances are not even shown")
                .containsExactly("web-1", "web-4", "web-5");
        assertThat(table.problems()).allSatisfy(p -> assertThat(p).doesNotContain("\n", "\r", "\u0000"));
        assertThat(table.problems()).containsExactlyInAnyOrder(
                "service 'evil\\n    server x 10.0.0.9:80' left out: its name has characters that are not printable",
                "web: instance 'web-2\\r\\nbackend x' left out: its id has characters that are not printable",
                "web: instance 'web-3' left out: its node 'n1\\u0000' has characters that are not printable",
                "web: instance web-4 has no usable address:port (shop.example.com:84)",
                "web: instance web-5 has no usable address:port (10.0.0.5 backup:85)",
                "web: ignored virtual host 'web.test\\n    server y 10.0.0.9:80': not a host name (letters, digits, '-' and '.')");
    }

    @Test
    void withoutMemoryTheServiceConsulRegisteredFirstOwnsAHostNotTheOneThatSortsFirst() {
        CatalogSnapshot catalog = new CatalogSnapshot(Map.of(
                "alpha", List.of(new ServiceInstance("a-1", "alpha", "n1", "10.0.0.1", 80, List.of(),
                        Map.of("haproxy_vhost", "shop.test"), Health.PASSING, 20)),
                "zeta", List.of(new ServiceInstance("z-1", "zeta", "n1", "10.0.0.2", 80, List.of(),
                        Map.of("haproxy_vhost", "shop.test"), Health.PASSING, 10))));
        RouteTable table = RouteTable.of(catalog, RULES);
        assertThat(table.routes()).extracting(Route::service).containsExactly("zeta");
        assertThat(table.problems()).containsExactly("alpha: ignored virtual host 'shop.test': already routed to zeta");
        assertThat(table.owners().hosts()).containsExactly(Map.entry("shop.test", "zeta"));

        RouteTable reserved = RouteTable.of(catalog, new RouteTable.Rules(Set.of("external"), 8000,
                RouteOwners.parse(List.of("shop.test=alpha"))));
        assertThat(reserved.routes()).extracting(Route::service).containsExactly("alpha");
        assertThat(reserved.problems()).containsExactly(
                "zeta: ignored virtual host 'shop.test': reserved for alpha by quayside.edge-router.route-owners");
    }

    @Test
    void badRouteOwnersAreAClearError() {
        assertThat(RouteOwners.parse(List.of("Shop.Test = shop", "5432=db")))
                .isEqualTo(new RouteOwners(Map.of("shop.test", "shop"), Map.of(5432, "db")));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RouteOwners.parse(List.of("shop")))
                .hasMessage("quayside.edge-router.route-owners: 'shop' is not host=service or port=service");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RouteOwners.parse(List.of("70000=db")))
                .hasMessage("quayside.edge-router.route-owners: '70000=db': port outside 1-65535");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RouteOwners.parse(List.of("bad_host=x")))
                .hasMessage("quayside.edge-router.route-owners: 'bad_host=x': 'bad_host' is not a host name");
    }
}
