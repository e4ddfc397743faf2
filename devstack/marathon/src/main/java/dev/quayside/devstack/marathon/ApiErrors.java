package dev.quayside.devstack.marathon;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/** Writes an error status with its JSON body. */
final class ApiErrors {

    private ApiErrors() {
    }

    static void send(RoutingContext ctx, int status, Object body) {
        if (ctx.response().ended()) {
            return;
        }
        if (body == null) {
            ctx.response().setStatusCode(status).end();
            return;
        }
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(String.valueOf(body));
    }
}
