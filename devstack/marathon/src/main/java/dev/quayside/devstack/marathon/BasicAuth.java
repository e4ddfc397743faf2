package dev.quayside.devstack.marathon;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/** Optional HTTP basic auth, as Marathon's {@code --http_credentials}: 401 with Marathon's body when missing or wrong. */
final class BasicAuth {

    private BasicAuth() {
    }

    static void check(RoutingContext ctx, String username, String password) {
        if ("/ping".equals(ctx.request().path())) {
            ctx.next();
            return;
        }
        String header = ctx.request().getHeader("Authorization");
        String expected = Base64.getEncoder().encodeToString((username + ":" + (password == null ? "" : password))
                .getBytes(StandardCharsets.UTF_8));
        if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)
                && MessageDigest.isEqual(header.substring(6).trim().getBytes(StandardCharsets.UTF_8),
                        expected.getBytes(StandardCharsets.UTF_8))) {
            ctx.next();
            return;
        }
        ctx.response().putHeader("WWW-Authenticate", "Basic realm=\"Mesosphere\"");
        ApiErrors.send(ctx, 401, new JsonObject().put("message", "Invalid username or password."));
    }
}
