package dev.quayside.devstack.consul;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;

/**
 * The token check when ACLs are on (default policy deny, one management token). Consul answers 403 with
 * "Permission denied" for the anonymous token and "ACL not found" for a token it does not know.
 */
final class Acl {

    static final String ANONYMOUS_ACCESSOR = "00000000-0000-0000-0000-000000000002";

    private final byte[] managementToken;

    Acl(String managementToken) {
        this.managementToken = managementToken.getBytes(StandardCharsets.UTF_8);
    }

    void handle(RoutingContext ctx) {
        String path = Paths.decodedPath(ctx);
        if (path.startsWith("/v1/status/")) {
            // Consul does not guard the status endpoints
            ctx.next();
            return;
        }
        String token = token(ctx.request());
        if (token == null || token.isEmpty()) {
            Replies.text(ctx, 403, "Permission denied: token with AccessorID '" + ANONYMOUS_ACCESSOR
                    + "' lacks permission " + permission(ctx.request().method().name(), path));
            return;
        }
        if (!MessageDigest.isEqual(managementToken, token.getBytes(StandardCharsets.UTF_8))) {
            Replies.text(ctx, 403, "ACL not found");
            return;
        }
        ctx.next();
    }

    /** {@code X-Consul-Token}, then {@code Authorization: Bearer}, then the legacy {@code ?token=}. */
    static String token(HttpServerRequest request) {
        String token = request.getHeader("X-Consul-Token");
        if (token != null && !token.isEmpty()) {
            return token;
        }
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).trim();
        }
        return request.getParam("token");
    }

    private static String permission(String method, String path) {
        boolean write = !method.equals("GET") && !method.equals("HEAD");
        String access = write ? "write" : "read";
        if (path.startsWith(KvHttp.PREFIX)) {
            return "'key:" + access + "' on \"" + path.substring(KvHttp.PREFIX.length()) + "\"";
        }
        if (path.startsWith("/v1/txn")) {
            return "'key:" + access + "'";
        }
        if (path.startsWith("/v1/agent/service") || path.startsWith("/v1/catalog/service")
                || path.startsWith("/v1/health/")) {
            return "'service:" + access + "'";
        }
        if (path.startsWith("/v1/agent/check")) {
            return "'node:" + access + "'";
        }
        if (path.startsWith("/v1/catalog/node")) {
            return "'node:read'";
        }
        if (path.startsWith("/v1/agent")) {
            return "'agent:" + access + "'";
        }
        return "'operator:" + access + "'";
    }
}
