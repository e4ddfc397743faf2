package dev.quayside.devstack.marathon;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.ResponseTimeHandler;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Marathon's REST API v2 on Vert.x Web: thin handlers over {@link MarathonScheduler}. */
final class MarathonRoutes {

    private static final Pattern TASK = Pattern.compile("(.+)/tasks/([^/]+)");
    private static final Pattern VERSION = Pattern.compile("(.+)/versions/([^/]+)");

    private final MarathonScheduler scheduler;
    private final EventStream events;
    private final MarathonStandIn.Options options;
    private volatile int port;

    MarathonRoutes(MarathonScheduler scheduler, EventStream events, MarathonStandIn.Options options) {
        this.scheduler = scheduler;
        this.events = events;
        this.options = options;
    }

    void port(int port) {
        this.port = port;
    }

    Router router(Vertx vertx) {
        Router router = Router.router(vertx);
        router.route().handler(ResponseTimeHandler.create()); // x-response-time: time spent in the stand-in
        if (options.username != null) {
            router.route().handler(ctx -> BasicAuth.check(ctx, options.username, options.password));
        }
        router.route().handler(BodyHandler.create().setBodyLimit(8 * 1024 * 1024));
        router.get("/ping").handler(ctx -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/plain")
                .putHeader("Cache-Control", "must-revalidate,no-cache,no-store").end("pong"));
        router.get("/v2/info").handler(ctx -> json(ctx, 200, MarathonJson.info(port, options)));
        router.get("/v2/leader").handler(ctx -> json(ctx, 200, new JsonObject().put("leader", "127.0.0.1:" + port)));
        router.get("/v2/events").handler(this::events);
        router.route("/v2/events").handler(ctx -> ApiErrors.send(ctx, 405, new JsonObject()
                .put("message", "HTTP method " + ctx.request().method() + " is not supported by this URL")));
        router.get("/v2/apps").handler(ctx -> handle(ctx, () -> {
            Set<String> embed = new HashSet<>(ctx.queryParam("embed"));
            JsonArray apps = scheduler.listApps(first(ctx, "id"), first(ctx, "cmd"), first(ctx, "label"), embed);
            return new Reply(200, new JsonObject().put("apps", apps));
        }));
        router.post("/v2/apps").handler(ctx -> handle(ctx, () -> {
            JsonObject body = AppDefinitions.parseObject(ctx.body().asString());
            AppDefinitions.validate(body);
            MarathonScheduler.Result r = scheduler.create(body, remote(ctx), ctx.request().path());
            ctx.response().putHeader("Location", "/v2/apps" + r.app().getString("id"));
            return new Reply(201, r.app(), r.deploymentId());
        }));
        router.get("/v2/deployments").handler(ctx -> handle(ctx, () -> new Reply(200, scheduler.deployments())));
        router.delete("/v2/deployments/:id").handler(ctx -> handle(ctx, () -> {
            MarathonScheduler.Result r = scheduler.cancel(ctx.pathParam("id"), flag(ctx, "force"));
            if (r == null) {
                return new Reply(202, null);
            }
            return new Reply(200, r.deploymentBody(), r.deploymentId());
        }));
        router.get("/v2/tasks").handler(ctx -> handle(ctx, () -> new Reply(200,
                new JsonObject().put("tasks", scheduler.allTasks()))));
        router.get("/v2/queue").handler(ctx -> json(ctx, 200, new JsonObject().put("queue", new JsonArray())));
        router.routeWithRegex("/v2/apps/(.+)").handler(this::appPath);
        return router;
    }

    private void appPath(RoutingContext ctx) {
        String rest = ctx.request().path().substring("/v2/apps/".length());
        HttpMethod method = ctx.request().method();
        Matcher m;
        if (rest.endsWith("/restart")) {
            String id = rest.substring(0, rest.length() - "/restart".length());
            if (method != HttpMethod.POST) {
                ApiErrors.send(ctx, 405, new JsonObject().put("message", "Method not allowed"));
                return;
            }
            handle(ctx, () -> {
                MarathonScheduler.Result r = scheduler.restart(id, flag(ctx, "force"), remote(ctx), ctx.request().path());
                return new Reply(200, r.deploymentBody(), r.deploymentId());
            });
        } else if ((m = TASK.matcher(rest)).matches()) {
            String id = m.group(1);
            String taskId = m.group(2);
            if (method == HttpMethod.DELETE) {
                handle(ctx, () -> new Reply(200, new JsonObject().put("task",
                        scheduler.killTask(id, taskId, flag(ctx, "scale")))));
            } else {
                handle(ctx, () -> {
                    for (Object t : scheduler.appTasks(id)) {
                        if (((JsonObject) t).getString("id").equals(taskId)) {
                            return new Reply(200, new JsonObject().put("task", t));
                        }
                    }
                    throw ApiException.message(404, "Task '" + taskId + "' does not exist");
                });
            }
        } else if (rest.endsWith("/tasks")) {
            String id = rest.substring(0, rest.length() - "/tasks".length());
            handle(ctx, () -> new Reply(200, new JsonObject().put("tasks", scheduler.appTasks(id))));
        } else if ((m = VERSION.matcher(rest)).matches()) {
            String id = m.group(1);
            String version = m.group(2);
            handle(ctx, () -> new Reply(200, scheduler.version(id, version)));
        } else if (rest.endsWith("/versions")) {
            String id = rest.substring(0, rest.length() - "/versions".length());
            handle(ctx, () -> new Reply(200, new JsonObject().put("versions", scheduler.versions(id))));
        } else {
            String id = rest;
            if (method == HttpMethod.GET) {
                handle(ctx, () -> new Reply(200, new JsonObject().put("app", scheduler.app(id))));
            } else if (method == HttpMethod.PUT || method == HttpMethod.PATCH) {
                boolean partial = method == HttpMethod.PATCH || !"false".equals(first(ctx, "partialUpdate"));
                handle(ctx, () -> {
                    JsonObject body = AppDefinitions.parseObject(ctx.body().asString());
                    AppDefinitions.checkTypes(body);
                    MarathonScheduler.Result r = scheduler.put(id, body, flag(ctx, "force"), partial, remote(ctx),
                            ctx.request().path());
                    if (r.created()) {
                        // Marathon's AppsResource.replace: 201 Created with the deployment result, like an update
                        ctx.response().putHeader("Location", "/v2/apps" + r.app().getString("id"));
                        return new Reply(201, r.deploymentBody(), r.deploymentId());
                    }
                    return new Reply(200, r.deploymentBody(), r.deploymentId());
                });
            } else if (method == HttpMethod.DELETE) {
                handle(ctx, () -> {
                    MarathonScheduler.Result r = scheduler.delete(id, flag(ctx, "force"), remote(ctx),
                            ctx.request().path());
                    return new Reply(200, r.deploymentBody(), r.deploymentId());
                });
            } else {
                ApiErrors.send(ctx, 405, new JsonObject().put("message", "Method not allowed"));
            }
        }
    }

    private void events(RoutingContext ctx) {
        String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
        if (accept == null || !accept.contains("text/event-stream")) {
            ApiErrors.send(ctx, 405, new JsonObject().put("message",
                    "HTTP method GET is not supported by this URL; send Accept: text/event-stream"));
            return;
        }
        Set<String> types = new LinkedHashSet<>();
        for (String t : ctx.queryParam("event_type")) {
            for (String part : t.split(",")) {
                if (!part.isBlank()) {
                    types.add(part.trim());
                }
            }
        }
        ctx.response().setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream;charset=UTF-8")
                .putHeader("Cache-Control", "no-cache").setStatusCode(200);
        events.attach(ctx.response(), types, remote(ctx));
    }

    private record Reply(int status, Object body, String deploymentId) {
        Reply(int status, Object body) {
            this(status, body, null);
        }
    }

    private static void handle(RoutingContext ctx, Supplier<Reply> work) {
        try {
            Reply r = work.get();
            if (r.deploymentId() != null) {
                ctx.response().putHeader("Marathon-Deployment-Id", r.deploymentId());
            }
            if (r.body() == null) {
                ctx.response().setStatusCode(r.status()).end();
            } else {
                json(ctx, r.status(), r.body());
            }
        } catch (ApiException e) {
            ApiErrors.send(ctx, e.status, e.body);
        } catch (RuntimeException e) {
            ApiErrors.send(ctx, 500, new JsonObject().put("message", String.valueOf(e.getMessage())));
        }
    }

    static void json(RoutingContext ctx, int status, Object body) {
        String text = body instanceof JsonObject o ? o.encode() : body instanceof JsonArray a ? a.encode()
                : String.valueOf(body);
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(text);
    }

    private static String first(RoutingContext ctx, String name) {
        List<String> values = ctx.queryParam(name);
        return values.isEmpty() ? null : values.get(0);
    }

    private static boolean flag(RoutingContext ctx, String name) {
        String value = first(ctx, name);
        return value != null && (value.isEmpty() || value.equalsIgnoreCase("true"));
    }

    private static String remote(RoutingContext ctx) {
        return ctx.request().remoteAddress() == null ? "" : ctx.request().remoteAddress().host();
    }
}
