package dev.quayside.devstack.consul;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.UUID;

/**
 * The token check when ACLs are on (default policy deny, one management token, optionally one token without
 * policies). As Consul: a token it does not know gets 403 "ACL not found"; a token that may not do what it asks gets
 * 403 "Permission denied: token with AccessorID '…' lacks permission '…'", except for list reads, which Consul filters
 * instead (200 with what the token may see, here nothing; a KV listing that ends up empty is 404), with
 * {@code X-Consul-Results-Filtered-By-ACLs: true} when something was removed and the request carried a token (Consul's
 * {@code maskResultsFilteredByACLs} keeps the header from requests without one).
 */
final class Acl {

    static final String ANONYMOUS_ACCESSOR = "00000000-0000-0000-0000-000000000002";
    static final String FILTERED_HEADER = "X-Consul-Results-Filtered-By-ACLs";
    /** Context key: this read is filtered; the value says whether the header may be sent. */
    private static final String FILTERED = "consul.aclFiltered";
    private static final List<String> LIST_READS = List.of("/v1/catalog/services", "/v1/catalog/service/",
            "/v1/catalog/nodes", "/v1/catalog/node/", "/v1/health/service/", "/v1/health/checks/",
            "/v1/health/state/", "/v1/health/node/", "/v1/agent/services", "/v1/agent/checks", "/v1/agent/members");

    private final byte[] managementToken;
    private final byte[] restrictedToken;
    private final String restrictedAccessor = UUID.randomUUID().toString();

    Acl(String managementToken, String restrictedToken) {
        this.managementToken = managementToken.getBytes(StandardCharsets.UTF_8);
        this.restrictedToken = restrictedToken == null ? null : restrictedToken.getBytes(StandardCharsets.UTF_8);
    }

    void handle(RoutingContext ctx) {
        String path = Paths.decodedPath(ctx);
        if (path.startsWith("/v1/status/")) {
            // Consul does not guard the status endpoints
            ctx.next();
            return;
        }
        String token = token(ctx.request());
        boolean anonymous = token == null || token.isEmpty();
        if (!anonymous && is(managementToken, token)) {
            ctx.next();
            return;
        }
        boolean restricted = !anonymous && restrictedToken != null && is(restrictedToken, token);
        if (!anonymous && !restricted) {
            Replies.text(ctx, 403, "ACL not found");
            return;
        }
        if (listRead(ctx, path)) {
            ctx.put(FILTERED, restricted);
            ctx.next();
            return;
        }
        Replies.text(ctx, 403, "Permission denied: token with AccessorID '"
                + (anonymous ? ANONYMOUS_ACCESSOR : restrictedAccessor) + "' lacks permission "
                + permission(ctx.request().method().name(), path));
    }

    private static boolean is(byte[] expected, String token) {
        return MessageDigest.isEqual(expected, token.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads whose results Consul filters by ACL (lists), rather than refusing. */
    private static boolean listRead(RoutingContext ctx, String path) {
        if (!ctx.request().method().name().equals("GET")) {
            return false;
        }
        MultiMap params = ctx.request().params();
        if (path.startsWith(KvHttp.PREFIX)) {
            return params.contains("recurse") || params.contains("keys");
        }
        return LIST_READS.stream().anyMatch(p -> p.endsWith("/") ? path.startsWith(p) && path.length() > p.length()
                : path.equals(p));
    }

    /**
     * What a filtered read answers: the result with every entry removed (the stand-in's filtered tokens may see
     * nothing), and the header when something was removed and the request had a token; unfiltered reads unchanged.
     */
    static QueryResult filter(RoutingContext ctx, QueryResult result) {
        Boolean report = ctx.get(FILTERED);
        if (report == null || result.status() != 200) {
            return result;
        }
        Object body = result.body();
        boolean removed = body instanceof JsonArray a && !a.isEmpty() || body instanceof JsonObject o && !o.isEmpty();
        if (removed && report) {
            ctx.response().putHeader(FILTERED_HEADER, "true");
        }
        String path = Paths.decodedPath(ctx);
        if (path.startsWith(KvHttp.PREFIX)) {
            // KVS.List / KVS.ListKeys with nothing left: 404, except a key listing of the root
            boolean rootKeys = ctx.request().params().contains("keys") && path.length() == KvHttp.PREFIX.length();
            return rootKeys ? QueryResult.ok(result.index(), new JsonArray()) : QueryResult.notFound(result.index());
        }
        if (path.startsWith("/v1/catalog/node/")) {
            return QueryResult.ok(result.index(), QueryResult.JSON_NULL);
        }
        return QueryResult.ok(result.index(), body instanceof JsonObject ? new JsonObject() : new JsonArray());
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
