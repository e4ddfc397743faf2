package dev.quayside.configsyncer.client;

import java.nio.charset.StandardCharsets;

/**
 * One KV operation of a Consul transaction ({@code PUT /v1/txn}).
 *
 * @param verb  what to do
 * @param key   the key (a tree ends with {@code /})
 * @param value the value for {@link Verb#SET}, else null
 * @param index the index for {@link Verb#CHECK_INDEX}, else 0
 */
public record KvOp(Verb verb, String key, byte[] value, long index) {

    /** The KV verbs Quayside uses, with their wire names. */
    public enum Verb {
        SET("set"), DELETE("delete"), DELETE_TREE("delete-tree"), CHECK_INDEX("check-index"),
        CHECK_NOT_EXISTS("check-not-exists");

        private final String wire;

        Verb(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    public static KvOp set(String key, byte[] value) {
        return new KvOp(Verb.SET, key, value, 0);
    }

    public static KvOp set(String key, String value) {
        return set(key, value.getBytes(StandardCharsets.UTF_8));
    }

    public static KvOp delete(String key) {
        return new KvOp(Verb.DELETE, key, null, 0);
    }

    /** Deletes every key under {@code prefix}, which must end with {@code /} (so {@code a/b/} never takes {@code a/bc}). */
    public static KvOp deleteTree(String prefix) {
        if (!prefix.endsWith("/")) {
            throw new IllegalArgumentException("a tree delete needs a trailing '/': " + prefix);
        }
        return new KvOp(Verb.DELETE_TREE, prefix, null, 0);
    }

    public static KvOp checkIndex(String key, long index) {
        return new KvOp(Verb.CHECK_INDEX, key, null, index);
    }

    public static KvOp checkNotExists(String key) {
        return new KvOp(Verb.CHECK_NOT_EXISTS, key, null, 0);
    }

    /** An upper bound of this operation's bytes in the JSON request body (value base64-encoded). */
    public int encodedSize() {
        int valueBytes = value == null ? 0 : ((value.length + 2) / 3) * 4;
        return 64 + key.length() * 6 + valueBytes;
    }

    @Override
    public String toString() {
        return verb.wire() + " " + key + (value == null ? "" : " (" + value.length + " bytes)")
                + (verb == Verb.CHECK_INDEX ? " @" + index : "");
    }
}
