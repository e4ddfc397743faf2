package dev.quayside.devstack.consul;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Writing answers the way Consul's HTTP server does (headers, plain-text errors, JSON bodies). */
final class Replies {

    private Replies() {
    }

    /** A plain-text answer, like Consul's error responses ({@code fmt.Fprint(resp, ...)}). */
    static void text(RoutingContext ctx, int status, String body) {
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8").end(body);
    }

    static void json(RoutingContext ctx, int status, Object body) {
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(status).putHeader("Content-Type", "application/json").end(encode(ctx, body));
    }

    /** A list read without query meta (the agent's own lists), filtered by ACL when the token may not see it. */
    static void list(RoutingContext ctx, Object body) {
        json(ctx, 200, Acl.filter(ctx, QueryResult.ok(0, body)).body());
    }

    /** A read's answer with Consul's query meta headers, filtered by ACL when the token may not see it. */
    static void query(RoutingContext ctx, QueryResult unfiltered, long index) {
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.closed()) {
            return;
        }
        QueryResult result = Acl.filter(ctx, unfiltered);
        response.putHeader("X-Consul-Index", Long.toUnsignedString(index))
                .putHeader("X-Consul-KnownLeader", "true")
                .putHeader("X-Consul-LastContact", "0")
                .putHeader("X-Consul-Effective-Consistency", "leader")
                .setStatusCode(result.status());
        Object body = result.body();
        if (body == null) {
            response.end();
        } else if (body instanceof Buffer) {
            // ?raw: Consul sets these so that browsers never sniff or run a stored value
            response.putHeader("Content-Type", "text/plain")
                    .putHeader("X-Content-Type-Options", "nosniff")
                    .putHeader("Content-Security-Policy", "sandbox")
                    .end((Buffer) body);
        } else {
            response.putHeader("Content-Type", "application/json").end(encode(ctx, body));
        }
    }

    private static String encode(RoutingContext ctx, Object body) {
        boolean pretty = ctx.request().params().contains("pretty");
        if (body instanceof JsonObject) {
            return pretty ? ((JsonObject) body).encodePrettily() : ((JsonObject) body).encode();
        }
        if (body instanceof JsonArray) {
            return pretty ? ((JsonArray) body).encodePrettily() : ((JsonArray) body).encode();
        }
        if (body instanceof String) {
            return io.vertx.core.json.Json.encode(body);
        }
        return String.valueOf(body);
    }
}
