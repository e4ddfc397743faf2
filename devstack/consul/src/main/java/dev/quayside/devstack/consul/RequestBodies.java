package dev.quayside.devstack.consul;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads the whole request body whatever its Content-Type (Consul never parses forms: {@code curl -d} bodies are
 * stored as sent), stopping with 413 past a limit.
 */
final class RequestBodies {

    private static final String KEY = "consul.body";

    private RequestBodies() {
    }

    static Buffer get(RoutingContext ctx) {
        Buffer body = ctx.get(KEY);
        return body == null ? Buffer.buffer() : body;
    }

    /** A route handler that collects the body (at most {@code limit} bytes) before passing on. */
    static void collect(RoutingContext ctx, long limit, java.util.function.LongFunction<String> tooLarge) {
        HttpServerRequest request = ctx.request();
        if (request.isEnded()) {
            ctx.put(KEY, Buffer.buffer());
            ctx.next();
            return;
        }
        Buffer body = Buffer.buffer();
        boolean[] refused = {false};
        request.handler(chunk -> {
            if (refused[0]) {
                return;
            }
            if (body.length() + (long) chunk.length() > limit) {
                refused[0] = true;
                ctx.response().putHeader("Connection", "close");
                Replies.text(ctx, 413, tooLarge.apply(body.length() + (long) chunk.length()));
                return;
            }
            body.appendBuffer(chunk);
        });
        request.endHandler(v -> {
            if (!refused[0]) {
                ctx.put(KEY, body);
                ctx.next();
            }
        });
        request.exceptionHandler(e -> {
            if (!refused[0]) {
                refused[0] = true;
                ctx.fail(400, e);
            }
        });
        request.resume();
    }
}
