package dev.quayside.devstack.consul;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** {@code /v1/kv/{key}}: GET (recurse, keys, separator, raw, blocking), PUT (cas, flags), DELETE (recurse, cas). */
final class KvHttp {

    static final String PREFIX = "/v1/kv/";

    private final ConsulState state;
    private final BlockingQueries blocking;
    private final long maxValueSize;

    KvHttp(ConsulState state, BlockingQueries blocking, long maxValueSize) {
        this.state = state;
        this.blocking = blocking;
        this.maxValueSize = maxValueSize;
    }

    void handle(RoutingContext ctx) {
        String key = KvKeys.clean(Paths.decodedPath(ctx).substring(PREFIX.length()));
        String invalid = key.isEmpty() ? null : KvKeys.invalid(key);
        if (invalid != null) {
            Replies.text(ctx, 500, invalid); // Consul answers an error that is not an HTTPError with 500
            return;
        }
        switch (ctx.request().method().name()) {
            case "GET":
                get(ctx, key);
                break;
            case "PUT":
                put(ctx, key);
                break;
            case "DELETE":
                delete(ctx, key);
                break;
            default:
                ctx.response().putHeader("Allow", "GET,PUT,DELETE");
                Replies.text(ctx, 405, "method " + ctx.request().method().name() + " not allowed");
        }
    }

    private void get(RoutingContext ctx, String key) {
        MultiMap params = ctx.request().params();
        KvStore kv = state.kv;
        if (params.contains("keys")) {
            String separator = params.contains("separator") ? params.get("separator") : params.get("seperator");
            blocking.serve(ctx, change -> change.touchesKeyPrefix(key), () -> {
                List<String> keys = kv.keys(key, separator);
                long index = kv.prefixIndex(key);
                return keys.isEmpty() && !key.isEmpty() ? QueryResult.notFound(index)
                        : QueryResult.ok(index, new JsonArray(keys));
            });
        } else if (params.contains("recurse")) {
            blocking.serve(ctx, change -> change.touchesKeyPrefix(key), () -> {
                JsonArray out = new JsonArray();
                kv.list(key).forEach(e -> out.add(e.toJson(true)));
                long index = kv.prefixIndex(key);
                return out.isEmpty() ? QueryResult.notFound(index) : QueryResult.ok(index, out);
            });
        } else if (key.isEmpty()) {
            Replies.text(ctx, 400, "Missing key name");
        } else {
            boolean raw = params.contains("raw");
            blocking.serve(ctx, change -> change.keys().contains(key), () -> {
                // Consul's KVS.Get: the key's own ModifyIndex, or the table index when the key is missing
                KvEntry entry = kv.get(key);
                if (entry == null) {
                    return QueryResult.notFound(kv.tableIndex());
                }
                long index = entry.modifyIndex();
                if (raw) {
                    return QueryResult.ok(index, Buffer.buffer(entry.value() == null ? new byte[0] : entry.value()));
                }
                return QueryResult.ok(index, new JsonArray().add(entry.toJson(true)));
            });
        }
    }

    private void put(RoutingContext ctx, String key) {
        MultiMap params = ctx.request().params();
        if (key.isEmpty()) {
            Replies.text(ctx, 400, "Missing key name");
            return;
        }
        if (conflicting(ctx, "cas", "acquire", "release")) {
            return;
        }
        long flags;
        Long cas = null;
        try {
            flags = params.contains("flags") ? GoStrconv.parseUint(params.get("flags")) : 0;
            if (params.contains("cas")) {
                cas = GoStrconv.parseUint(params.get("cas"));
            }
        } catch (IllegalArgumentException e) {
            Replies.text(ctx, 400, e.getMessage());
            return;
        }
        String session = params.contains("acquire") ? params.get("acquire") : params.get("release");
        if (session != null) {
            // No sessions exist in the stand-in, so every session id is unknown, as Consul reports it.
            Replies.text(ctx, 400, "invalid session \"" + session + "\"");
            return;
        }
        Buffer body = RequestBodies.get(ctx);
        long length = body == null ? 0 : body.length();
        if (length > maxValueSize) {
            Replies.text(ctx, 413, tooLarge(length, maxValueSize));
            return;
        }
        byte[] value = length == 0 ? null : body.getBytes();
        boolean ok = state.kvSet(key, value, flags, cas);
        Replies.json(ctx, 200, cas == null || ok);
    }

    private void delete(RoutingContext ctx, String key) {
        MultiMap params = ctx.request().params();
        if (conflicting(ctx, "recurse", "cas")) {
            return;
        }
        boolean recurse = params.contains("recurse");
        if (!recurse && key.isEmpty()) {
            Replies.text(ctx, 400, "Missing key name");
            return;
        }
        Long cas = null;
        try {
            if (params.contains("cas")) {
                cas = GoStrconv.parseUint(params.get("cas"));
            }
        } catch (IllegalArgumentException e) {
            Replies.text(ctx, 400, e.getMessage());
            return;
        }
        boolean ok = state.kvDelete(key, recurse, cas);
        Replies.json(ctx, 200, ok);
    }

    static String tooLarge(long length, long max) {
        return "Request body(" + length + " bytes) too large, max size: " + max
                + " bytes. See https://developer.hashicorp.com/docs/agent/config/config-files#kv_max_value_size.";
    }

    /** Consul's {@code conflictingFlags}: 400 when more than one of the flags is present. */
    private static boolean conflicting(RoutingContext ctx, String... flags) {
        MultiMap params = ctx.request().params();
        int found = 0;
        for (String flag : flags) {
            if (params.contains(flag)) {
                found++;
            }
        }
        if (found > 1) {
            Replies.text(ctx, 400, "Conflicting flags: " + Paths.encodeQuery(params) + "\n");
            return true;
        }
        return false;
    }
}
