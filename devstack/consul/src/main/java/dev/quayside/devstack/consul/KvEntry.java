package dev.quayside.devstack.consul;

import io.vertx.core.json.JsonObject;
import java.util.Base64;

/** One key as Consul's {@code DirEntry}: immutable; a write replaces the entry. */
record KvEntry(String key, byte[] value, long flags, long createIndex, long modifyIndex, long lockIndex,
        String session) {

    /** The JSON Consul returns from {@code GET /v1/kv} and in txn results (field order as Consul's encoder). */
    JsonObject toJson(boolean withValue) {
        JsonObject json = new JsonObject()
                .put("LockIndex", lockIndex)
                .put("Key", key)
                .put("Flags", unsigned(flags))
                .put("Value", withValue && value != null && value.length > 0
                        ? Base64.getEncoder().encodeToString(value) : null);
        if (session != null && !session.isEmpty()) {
            json.put("Session", session);
        }
        return json.put("CreateIndex", createIndex).put("ModifyIndex", modifyIndex);
    }

    static Object unsigned(long value) {
        return value >= 0 ? (Object) value : new java.math.BigInteger(Long.toUnsignedString(value));
    }
}
