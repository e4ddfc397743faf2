package dev.quayside.devstack.consul;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The single-node "Raft log": one monotonic index, the KV store and the catalog, all changed under one lock. Every
 * committed write publishes a {@link Change} to the listeners (blocking queries, persistence).
 */
final class ConsulState {

    private long lastIndex;
    final KvStore kv = new KvStore();
    final Catalog catalog;
    private final List<Consumer<Change>> listeners = new CopyOnWriteArrayList<>();

    ConsulState(String nodeName, String nodeId) {
        this.catalog = new Catalog(nodeName, nodeId);
        // the node and the consul service were registered at indexes 1 and 2: the first write gets 3, so that a
        // blocking read of an empty KV (reported as index 1) wakes on it
        this.lastIndex = Catalog.INITIAL_INDEX;
    }

    void addListener(Consumer<Change> listener) {
        listeners.add(listener);
    }

    void removeListener(Consumer<Change> listener) {
        listeners.remove(listener);
    }

    synchronized <T> T read(Supplier<T> query) {
        return query.get();
    }

    synchronized long lastIndex() {
        return lastIndex;
    }

    synchronized void restoreLastIndex(long index) {
        lastIndex = Math.max(lastIndex, index);
    }

    /** Applies a catalog write at a fresh index; publishes when {@code write} reports a change. */
    Change writeCatalog(java.util.function.LongFunction<Change> write) {
        Change change;
        synchronized (this) {
            change = write.apply(lastIndex + 1);
            if (change != null) {
                lastIndex++;
            }
        }
        publish(change);
        return change;
    }

    /**
     * A catalog write that may be refused: {@code write} returns an error text (nothing changed), a {@link Change}
     * (committed at the given index) or null (nothing to change).
     *
     * @return the error text, or null when the write went through or had nothing to do
     */
    String writeCatalogOrError(java.util.function.LongFunction<Object> write) {
        Object outcome;
        synchronized (this) {
            outcome = write.apply(lastIndex + 1);
            if (outcome instanceof Change) {
                lastIndex++;
            }
        }
        if (outcome instanceof Change) {
            publish((Change) outcome);
            return null;
        }
        return (String) outcome;
    }

    // ---- KV ----

    boolean kvSet(String key, byte[] value, long flags, Long cas) {
        KvStore.UndoLog undo = new KvStore.UndoLog();
        boolean ok;
        long index;
        synchronized (this) {
            index = lastIndex + 1;
            if (cas == null) {
                kv.set(index, key, value, flags, undo);
                ok = true;
            } else {
                ok = kv.cas(index, key, value, flags, cas, undo);
            }
            if (!undo.isEmpty()) {
                lastIndex = index;
            }
        }
        if (!undo.isEmpty()) {
            publish(Change.kv(index, List.of(key)));
        }
        return ok;
    }

    boolean kvDelete(String key, boolean recurse, Long cas) {
        KvStore.UndoLog undo = new KvStore.UndoLog();
        boolean ok = true;
        long index;
        synchronized (this) {
            index = lastIndex + 1;
            if (cas != null) {
                ok = kv.deleteCas(index, key, cas, undo);
            } else if (recurse) {
                kv.deleteTree(index, key, undo);
            } else {
                kv.delete(index, key, undo);
            }
            if (!undo.isEmpty()) {
                lastIndex = index;
            }
        }
        if (!undo.isEmpty()) {
            publish(Change.kv(index, undo.keys()));
        }
        return ok;
    }

    /** Runs the operations all-or-nothing (Consul's {@code txnKVS}): every failing operation is reported. */
    TxnResult txn(List<TxnOp> ops) {
        KvStore.UndoLog undo = new KvStore.UndoLog();
        List<TxnResult.Reported> results = new ArrayList<>();
        List<TxnResult.Error> errors = new ArrayList<>();
        long index;
        synchronized (this) {
            index = lastIndex + 1;
            for (int i = 0; i < ops.size(); i++) {
                String error = apply(index, ops.get(i), undo, results);
                if (error != null) {
                    errors.add(new TxnResult.Error(i, error));
                }
            }
            if (!errors.isEmpty()) {
                undo.rollback();
                return new TxnResult(List.of(), errors, 0);
            }
            if (!undo.isEmpty()) {
                lastIndex = index;
            }
        }
        if (undo.isEmpty()) {
            return new TxnResult(results, List.of(), 0);
        }
        publish(Change.kv(index, undo.keys()));
        return new TxnResult(results, List.of(), index);
    }

    private String apply(long index, TxnOp op, KvStore.UndoLog undo, List<TxnResult.Reported> results) {
        String key = op.key();
        if (key.isEmpty() && !op.verb().equals("delete-tree")) {
            // Consul's kvsPreApply
            return "Must provide key";
        }
        switch (op.verb()) {
            case "set":
                kv.set(index, key, op.value(), op.flags(), undo);
                results.add(new TxnResult.Reported(kv.get(key), false));
                return null;
            case "cas":
                if (!kv.cas(index, key, op.value(), op.flags(), op.index(), undo)) {
                    return "failed to set key \"" + key + "\", index is stale";
                }
                results.add(new TxnResult.Reported(kv.get(key), false));
                return null;
            case "get": {
                KvEntry entry = kv.get(key);
                if (entry == null) {
                    return "key \"" + key + "\" doesn't exist";
                }
                results.add(new TxnResult.Reported(entry, true));
                return null;
            }
            case "get-or-empty": {
                KvEntry entry = kv.get(key);
                results.add(new TxnResult.Reported(entry != null ? entry : new KvEntry(key, null, 0, 0, 0, 0, null),
                        true));
                return null;
            }
            case "get-tree":
                for (KvEntry entry : kv.list(key)) {
                    results.add(new TxnResult.Reported(entry, true));
                }
                return null;
            case "check-index": {
                KvEntry entry = kv.get(key);
                if (entry == null) {
                    return "key \"" + key + "\" doesn't exist";
                }
                if (entry.modifyIndex() != op.index()) {
                    return "current modify index " + entry.modifyIndex() + " != " + op.index();
                }
                results.add(new TxnResult.Reported(entry, false));
                return null;
            }
            case "check-not-exists":
                return kv.get(key) != null ? "key \"" + key + "\" exists" : null;
            case "delete":
                kv.delete(index, key, undo);
                return null;
            case "delete-tree":
                kv.deleteTree(index, key, undo);
                return null;
            case "delete-cas":
                return kv.deleteCas(index, key, op.index(), undo) ? null
                        : "failed to delete key \"" + key + "\", index is stale";
            case "lock":
            case "unlock":
            case "check-session":
                // Sessions are not part of the stand-in: Consul answers an unknown session the same way.
                return "invalid session \"" + (op.session() == null ? "" : op.session()) + "\"";
            default:
                return "unknown KV verb \"" + op.verb() + "\"";
        }
    }

    void publish(Change change) {
        if (change == null) {
            return;
        }
        for (Consumer<Change> listener : listeners) {
            listener.accept(change);
        }
    }

    static List<String> keysOf(Collection<KvEntry> entries) {
        List<String> keys = new ArrayList<>(entries.size());
        for (KvEntry entry : entries) {
            keys.add(entry.key());
        }
        return keys;
    }
}
