package dev.quayside.devstack.chronos;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/** Chronos' scheduler API under both {@code /scheduler/*} (2.x) and {@code /v1/scheduler/*} (3.x). */
final class ChronosRoutes {

    private final ChronosScheduler scheduler;

    ChronosRoutes(ChronosScheduler scheduler) {
        this.scheduler = scheduler;
    }

    Router router(Vertx vertx) {
        Router router = Router.router(vertx);
        router.route().handler(BodyHandler.create().setBodyLimit(1024 * 1024));
        router.get("/ping").handler(ctx -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/plain").end("pong"));
        for (String base : new String[] {"/scheduler", "/v1/scheduler"}) {
            router.post(base + "/iso8601").handler(ctx -> put(ctx, false));
            router.post(base + "/dependency").handler(ctx -> put(ctx, true));
            router.put(base + "/iso8601").handler(ctx -> put(ctx, false));
            router.put(base + "/dependency").handler(ctx -> put(ctx, true));
            router.get(base + "/jobs").handler(ctx -> handle(ctx, () -> json(ctx, scheduler.list(null).encode())));
            router.get(base + "/jobs/search").handler(ctx -> handle(ctx,
                    () -> json(ctx, scheduler.list(ctx.request().getParam("name")).encode())));
            router.get(base + "/job/:name").handler(ctx -> handle(ctx,
                    () -> json(ctx, scheduler.get(ctx.pathParam("name")).encode())));
            router.put(base + "/job/:name").handler(ctx -> handle(ctx, () -> {
                scheduler.runNow(ctx.pathParam("name"));
                ctx.response().setStatusCode(204).end();
            }));
            router.delete(base + "/job/:name").handler(ctx -> handle(ctx, () -> {
                scheduler.delete(ctx.pathParam("name"));
                ctx.response().setStatusCode(204).end();
            }));
        }
        return router;
    }

    private void put(RoutingContext ctx, boolean dependent) {
        handle(ctx, () -> {
            JsonObject body;
            try {
                body = new JsonObject(ctx.body().asString() == null ? "" : ctx.body().asString());
            } catch (DecodeException | ClassCastException e) {
                throw new ChronosScheduler.BadRequest("Body is not a JSON object: " + e.getMessage());
            }
            scheduler.put(body, dependent);
            ctx.response().setStatusCode(204).end();
        });
    }

    private static void json(RoutingContext ctx, String body) {
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body);
    }

    private static void handle(RoutingContext ctx, Runnable work) {
        try {
            work.run();
        } catch (ChronosScheduler.BadRequest e) {
            ctx.response().setStatusCode(400).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain").end(e.getMessage());
        } catch (RuntimeException e) {
            ctx.response().setStatusCode(500).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain")
                    .end(String.valueOf(e.getMessage()));
        }
    }
}
