package dev.quayside.devstack.consul;

import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** {@code /v1/catalog/*} and {@code /v1/health/*} reads, all blocking-capable. */
final class CatalogHttp {

    private final ConsulState state;
    private final BlockingQueries blocking;

    CatalogHttp(ConsulState state, BlockingQueries blocking) {
        this.state = state;
        this.blocking = blocking;
    }

    void services(RoutingContext ctx) {
        Catalog catalog = state.catalog;
        blocking.serve(ctx, Change::serviceList,
                () -> QueryResult.ok(catalog.servicesIndex(), catalog.catalogServices()));
    }

    void service(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        List<String> tags = ctx.queryParam("tag");
        Catalog catalog = state.catalog;
        blocking.serve(ctx, change -> change.services().contains(name) || change.serviceList(),
                () -> QueryResult.ok(catalog.serviceIndex(name), catalog.catalogService(name, tags)));
    }

    void healthService(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        List<String> tags = ctx.queryParam("tag");
        boolean passing = ctx.request().params().contains("passing");
        Catalog catalog = state.catalog;
        blocking.serve(ctx, change -> change.services().contains(name) || change.serviceList(),
                () -> QueryResult.ok(catalog.serviceIndex(name), catalog.healthService(name, tags, passing)));
    }

    void healthChecks(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        Catalog catalog = state.catalog;
        blocking.serve(ctx, change -> change.services().contains(name) || change.serviceList(),
                () -> QueryResult.ok(catalog.serviceIndex(name), catalog.healthChecks(name)));
    }

    void healthState(RoutingContext ctx) {
        String wanted = ctx.pathParam("state");
        if (!List.of("any", "passing", "warning", "critical").contains(wanted)) {
            Replies.text(ctx, 400, "Invalid check state: " + wanted);
            return;
        }
        Catalog catalog = state.catalog;
        blocking.serve(ctx, change -> change.keys().isEmpty(),
                () -> QueryResult.ok(catalog.checksIndex(), catalog.healthState(wanted)));
    }

    void healthNode(RoutingContext ctx) {
        String node = ctx.pathParam("node");
        Catalog catalog = state.catalog;
        blocking.serve(ctx, change -> change.keys().isEmpty(), () -> QueryResult.ok(catalog.checksIndex(),
                node.equals(catalog.nodeName) ? catalog.nodeChecks() : new JsonArray()));
    }

    void nodes(RoutingContext ctx) {
        Catalog catalog = state.catalog;
        blocking.serve(ctx, change -> false,
                () -> QueryResult.ok(catalog.nodesIndex(), new JsonArray().add(catalog.nodeJson())));
    }

    void node(RoutingContext ctx) {
        String node = ctx.pathParam("node");
        Catalog catalog = state.catalog;
        blocking.serve(ctx, change -> change.keys().isEmpty(), () -> QueryResult.ok(catalog.servicesIndex(),
                node.equals(catalog.nodeName) ? catalog.catalogNode() : QueryResult.JSON_NULL));
    }

    void datacenters(RoutingContext ctx) {
        Replies.json(ctx, 200, new JsonArray().add(Catalog.DATACENTER));
    }
}
