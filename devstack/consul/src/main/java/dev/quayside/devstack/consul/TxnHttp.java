package dev.quayside.devstack.consul;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** {@code PUT /v1/txn}: KV operations applied all-or-nothing, with Consul's size and operation limits. */
final class TxnHttp {

    private final ConsulState state;
    private final int maxOps;
    private final long maxRequestSize;
    private final long maxValueSize;

    TxnHttp(ConsulState state, int maxOps, long maxRequestSize, long maxValueSize) {
        this.state = state;
        this.maxOps = maxOps;
        this.maxRequestSize = Math.max(maxRequestSize, maxValueSize);
        this.maxValueSize = maxValueSize;
    }

    void handle(RoutingContext ctx) {
        Buffer body = RequestBodies.get(ctx);
        if (body != null && body.length() > maxRequestSize) {
            Replies.text(ctx, 413, "Request body too large, max size: " + maxRequestSize + " bytes");
            return;
        }
        JsonArray raw;
        try {
            Object parsed = body == null || body.length() == 0 ? null : io.vertx.core.json.Json.decodeValue(body);
            if (parsed == null) {
                raw = new JsonArray();
            } else if (parsed instanceof JsonArray) {
                raw = (JsonArray) parsed;
            } else {
                throw new Json.DecodeException("json: cannot unmarshal " + Json.goKind(parsed)
                        + " into Go value of type api.TxnOps");
            }
        } catch (DecodeException e) {
            Replies.text(ctx, 400, "Failed to parse body: " + firstLine(e.getMessage()));
            return;
        } catch (Json.DecodeException e) {
            Replies.text(ctx, 400, "Failed to parse body: " + e.getMessage());
            return;
        }
        if (raw.size() > maxOps) {
            Replies.text(ctx, 413, "Transaction contains too many operations (" + raw.size() + " > " + maxOps + ")");
            return;
        }
        List<TxnOp> ops = new ArrayList<>();
        List<TxnResult.Error> unsupported = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            Object item = raw.getValue(i);
            try {
                if (!(item instanceof JsonObject)) {
                    throw new Json.DecodeException("json: cannot unmarshal " + Json.goKind(item)
                            + " into Go value of type api.TxnOp");
                }
                JsonObject op = (JsonObject) item;
                JsonObject kv = Json.object(op, "KV", "TxnOp", "api.KVTxnOp");
                if (kv == null) {
                    if (Json.field(op, "Node") != null || Json.field(op, "Service") != null
                            || Json.field(op, "Check") != null) {
                        unsupported.add(new TxnResult.Error(i,
                                "the Consul stand-in supports only KV operations in transactions"));
                    }
                    continue;
                }
                TxnOp parsed = parse(kv);
                if (parsed.value() != null && parsed.value().length > maxValueSize) {
                    Replies.text(ctx, 413, "Value for key \"" + parsed.key() + "\" is too large ("
                            + parsed.value().length + " > " + maxValueSize + " bytes)");
                    return;
                }
                ops.add(parsed);
            } catch (Json.DecodeException e) {
                Replies.text(ctx, 400, "Failed to parse body: " + e.getMessage());
                return;
            }
        }
        if (!unsupported.isEmpty()) {
            reply(ctx, new TxnResult(List.of(), unsupported, 0));
            return;
        }
        reply(ctx, state.txn(ops));
    }

    private static TxnOp parse(JsonObject kv) {
        String verb = Json.string(kv, "Verb", "KVTxnOp");
        String key = Json.string(kv, "Key", "KVTxnOp");
        String encoded = Json.string(kv, "Value", "KVTxnOp");
        byte[] value = null;
        if (encoded != null && !encoded.isEmpty()) {
            try {
                value = Base64.getDecoder().decode(encoded);
            } catch (IllegalArgumentException e) {
                throw new Json.DecodeException("failed to decode value: illegal base64 data at input byte "
                        + badBase64Byte(encoded));
            }
        }
        long flags = Json.number(kv, "Flags", "KVTxnOp", "uint64");
        long index = Json.number(kv, "Index", "KVTxnOp", "uint64");
        String session = Json.string(kv, "Session", "KVTxnOp");
        return new TxnOp(verb == null ? "" : verb, key == null ? "" : key, value, flags, index, session);
    }

    private static int badBase64Byte(String encoded) {
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            boolean ok = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/'
                    || c == '=';
            if (!ok) {
                return i;
            }
        }
        return encoded.length();
    }

    private static void reply(RoutingContext ctx, TxnResult result) {
        JsonArray results = null;
        if (!result.results().isEmpty()) {
            results = new JsonArray();
            for (TxnResult.Reported reported : result.results()) {
                results.add(new JsonObject().put("KV", reported.entry().toJson(reported.withValue())));
            }
        }
        JsonArray errors = null;
        if (!result.errors().isEmpty()) {
            errors = new JsonArray();
            for (TxnResult.Error error : result.errors()) {
                errors.add(new JsonObject().put("OpIndex", error.opIndex()).put("What", error.what()));
            }
        }
        JsonObject body = new JsonObject().put("Results", results).put("Errors", errors);
        Replies.json(ctx, errors == null ? 200 : 409, body);
    }

    static String firstLine(String message) {
        if (message == null) {
            return "invalid JSON";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
