package dev.quayside.devstack.consul;

/** One {@code KV} operation of a {@code PUT /v1/txn} body, decoded. */
record TxnOp(String verb, String key, byte[] value, long flags, long index, String session) {

    /** Whether Consul counts the verb as a write (routes the transaction through Raft). */
    boolean isWrite() {
        switch (verb) {
            case "set":
            case "cas":
            case "delete":
            case "delete-cas":
            case "delete-tree":
            case "lock":
            case "unlock":
                return true;
            default:
                return false;
        }
    }
}
