package dev.quayside.devstack.consul;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/** {@code /v1/agent/*}: service and check registration, TTL updates, and the agent's own description. */
final class AgentHttp {

    private final ConsulState state;
    private final CheckRunner checks;
    private final String version;

    AgentHttp(ConsulState state, CheckRunner checks, String version) {
        this.state = state;
        this.checks = checks;
        this.version = version;
    }

    void registerService(RoutingContext ctx) {
        JsonObject body = bodyObject(ctx);
        if (body == null) {
            return;
        }
        Definitions.Registration registration;
        try {
            registration = Definitions.service(body);
        } catch (Definitions.Invalid e) {
            Replies.text(ctx, e.status, e.getMessage());
            return;
        }
        boolean replace = ctx.request().params().contains("replace-existing-checks")
                && !"false".equals(ctx.request().getParam("replace-existing-checks"));
        List<String> before = new ArrayList<>();
        Change change = state.writeCatalog(index -> {
            state.catalog.checks().stream().filter(c -> c.serviceId.equals(registration.service().id))
                    .forEach(c -> before.add(c.checkId));
            return state.catalog.register(index, registration.service(), registration.checks(), replace);
        });
        if (change != null) {
            // checks dropped by ?replace-existing-checks stop; the (re)defined ones (re)start
            before.stream().filter(id -> state.read(() -> state.catalog.check(id)) == null)
                    .forEach(checks::unschedule);
            registration.checks().forEach(checks::schedule);
        }
        ctx.response().setStatusCode(200).end();
    }

    void deregisterService(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        List<String> checkIds = new ArrayList<>();
        Change change = state.writeCatalog(index -> {
            state.catalog.checks().stream().filter(c -> c.serviceId.equals(id)).forEach(c -> checkIds.add(c.checkId));
            return state.catalog.deregister(index, id);
        });
        if (change == null) {
            Replies.text(ctx, 404, "Unknown service ID \"" + id
                    + "\". Ensure that the service ID is passed, not the service name.");
            return;
        }
        checkIds.forEach(checks::unschedule);
        ctx.response().setStatusCode(200).end();
    }

    /** {@code PUT /v1/agent/service/maintenance/{id}?enable=true|false&reason=}: a critical maintenance check. */
    void maintenance(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        String enable = ctx.request().getParam("enable");
        if (enable == null) {
            Replies.text(ctx, 400, "Missing value for enable");
            return;
        }
        if (!enable.equals("true") && !enable.equals("false")) {
            Replies.text(ctx, 400, "Invalid value for enable: \"" + enable + "\"");
            return;
        }
        String reason = ctx.request().getParam("reason");
        String checkId = "_service_maintenance:" + id;
        String error = state.writeCatalogOrError(index -> {
            ServiceInstance s = state.catalog.service(id);
            if (s == null) {
                return "Unknown service ID \"" + id + "\"";
            }
            if (enable.equals("false")) {
                return state.catalog.deregisterCheck(index, checkId);
            }
            HealthCheck check = new HealthCheck();
            check.checkId = checkId;
            check.name = "Service Maintenance Mode";
            check.notes = reason == null || reason.isEmpty() ? "Maintenance mode is enabled for this service, but no "
                    + "reason was provided. This is a default message." : reason;
            check.status = HealthCheck.CRITICAL;
            check.type = "maintenance";
            check.serviceId = s.id;
            check.serviceName = s.name;
            check.serviceTags = s.tags;
            return state.catalog.registerCheck(index, check);
        });
        if (error != null) {
            Replies.text(ctx, 404, error);
            return;
        }
        ctx.response().setStatusCode(200).end();
    }

    void services(RoutingContext ctx) {
        Replies.list(ctx, state.read(state.catalog::agentServices));
    }

    void service(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        JsonObject json = state.read(() -> {
            ServiceInstance s = state.catalog.service(id);
            return s == null ? null : s.agentJson(Catalog.DATACENTER).put("ContentHash", Long.toHexString(
                    s.modifyIndex));
        });
        if (json == null) {
            Replies.text(ctx, 404, "unknown service ID: " + id);
            return;
        }
        Replies.json(ctx, 200, json);
    }

    void checks(RoutingContext ctx) {
        Replies.list(ctx, state.read(state.catalog::agentChecks));
    }

    void registerCheck(RoutingContext ctx) {
        JsonObject body = bodyObject(ctx);
        if (body == null) {
            return;
        }
        HealthCheck check;
        try {
            check = Definitions.check(body, true);
        } catch (Definitions.Invalid e) {
            Replies.text(ctx, e.status, e.getMessage());
            return;
        }
        if (check.name == null || check.name.isEmpty()) {
            Replies.text(ctx, 400, "Missing check name");
            return;
        }
        if (check.checkId == null || check.checkId.isEmpty()) {
            check.checkId = check.name;
        }
        String error = state.writeCatalogOrError(index -> {
            if (!check.serviceId.isEmpty()) {
                ServiceInstance s = state.catalog.service(check.serviceId);
                if (s == null) {
                    return "ServiceID \"" + check.serviceId + "\" does not exist";
                }
                check.serviceName = s.name;
                check.serviceTags = s.tags;
            }
            return state.catalog.registerCheck(index, check);
        });
        if (error != null) {
            Replies.text(ctx, 400, error);
            return;
        }
        checks.schedule(check);
        ctx.response().setStatusCode(200).end();
    }

    void deregisterCheck(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        Change change = state.writeCatalog(index -> state.catalog.deregisterCheck(index, id));
        if (change == null) {
            Replies.text(ctx, 404, unknownCheck(id));
            return;
        }
        checks.unschedule(id);
        ctx.response().setStatusCode(200).end();
    }

    /** {@code PUT /v1/agent/check/pass|warn|fail/{id}?note=}. */
    void ttl(RoutingContext ctx, String status) {
        updateTtl(ctx, ctx.pathParam("id"), status, ctx.request().getParam("note"));
    }

    /** {@code PUT /v1/agent/check/update/{id}} with {@code {"Status", "Output"}}. */
    void update(RoutingContext ctx) {
        JsonObject body = bodyObject(ctx);
        if (body == null) {
            return;
        }
        String status;
        String output;
        try {
            status = Json.string(body, "Status", "checkUpdate");
            output = Json.string(body, "Output", "checkUpdate");
        } catch (Json.DecodeException e) {
            Replies.text(ctx, 400, "Request decode failed: " + e.getMessage());
            return;
        }
        if (status == null || !(status.equals(HealthCheck.PASSING) || status.equals(HealthCheck.WARNING)
                || status.equals(HealthCheck.CRITICAL))) {
            Replies.text(ctx, 400, "Invalid check status: \"" + (status == null ? "" : status) + "\"");
            return;
        }
        updateTtl(ctx, ctx.pathParam("id"), status, output);
    }

    private void updateTtl(RoutingContext ctx, String id, String status, String output) {
        String error = state.writeCatalogOrError(index -> {
            HealthCheck check = state.catalog.check(id);
            if (check == null) {
                return unknownCheck(id);
            }
            if (!check.type.equals("ttl")) {
                return "CheckID \"" + id + "\" does not have associated TTL";
            }
            checks.ttlUpdate(check);
            return state.catalog.updateCheck(index, id, status, output);
        });
        if (error != null) {
            Replies.text(ctx, error.startsWith("Unknown") ? 404 : 400, error);
            return;
        }
        ctx.response().setStatusCode(200).end();
    }

    void self(RoutingContext ctx) {
        String node = state.catalog.nodeName;
        JsonObject config = new JsonObject()
                .put("Datacenter", Catalog.DATACENTER)
                .put("PrimaryDatacenter", Catalog.DATACENTER)
                .put("NodeName", node)
                .put("NodeID", state.catalog.nodeId)
                .put("Revision", "quayside")
                .put("Server", true)
                .put("Version", version)
                .put("BuildDate", "2024-01-01T00:00:00Z");
        JsonObject member = new JsonObject()
                .put("Name", node)
                .put("Addr", "127.0.0.1")
                .put("Port", 8301)
                .put("Tags", new JsonObject().put("role", "consul").put("dc", Catalog.DATACENTER)
                        .put("build", version + ":quayside").put("id", state.catalog.nodeId))
                .put("Status", 1);
        Replies.json(ctx, 200, new JsonObject()
                .put("Config", config)
                .put("DebugConfig", new JsonObject())
                .put("Coord", null)
                .put("Member", member)
                .put("Stats", new JsonObject().put("consul", new JsonObject().put("leader", "true")
                        .put("server", "true").put("known_datacenters", "1")))
                .put("Meta", new JsonObject().put("consul-network-segment", "")));
    }

    void members(RoutingContext ctx) {
        JsonObject member = new JsonObject()
                .put("Name", state.catalog.nodeName)
                .put("Addr", "127.0.0.1")
                .put("Port", 8301)
                .put("Tags", new JsonObject().put("role", "consul").put("dc", Catalog.DATACENTER))
                .put("Status", 1);
        Replies.list(ctx, new JsonArray().add(member));
    }

    private static String unknownCheck(String id) {
        return "Unknown check ID \"" + id + "\". Ensure that the check ID is passed, not the check name.";
    }

    /** The JSON object body, or null after answering 400 "Request decode failed: ..." as Consul does. */
    static JsonObject bodyObject(RoutingContext ctx) {
        Buffer body = RequestBodies.get(ctx);
        if (body == null || body.length() == 0) {
            Replies.text(ctx, 400, "Request decode failed: EOF");
            return null;
        }
        try {
            Object parsed = io.vertx.core.json.Json.decodeValue(body);
            if (parsed instanceof JsonObject) {
                return (JsonObject) parsed;
            }
            if (parsed == null) {
                // Go decodes a JSON null into a struct as "no fields"
                return new JsonObject();
            }
            Replies.text(ctx, 400, "Request decode failed: json: cannot unmarshal " + Json.goKind(parsed)
                    + " into Go value of type struct");
        } catch (DecodeException e) {
            Replies.text(ctx, 400, "Request decode failed: " + TxnHttp.firstLine(e.getMessage()));
        }
        return null;
    }
}
