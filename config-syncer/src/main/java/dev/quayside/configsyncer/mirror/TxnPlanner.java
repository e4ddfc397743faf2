package dev.quayside.configsyncer.mirror;

import dev.quayside.configsyncer.client.KvOp;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits one sync's KV operations into Consul transactions within the operation and request-size limits. The last
 * transaction starts with the guard on the ref key ({@code check-index}, or {@code check-not-exists} on a first sync)
 * and ends with the ref's new value, so the ref advances only in the transaction that commits the last writes, and
 * only if nobody else advanced it meanwhile.
 */
final class TxnPlanner {

    /** The transactions to send in order, and the operations too large for any transaction. */
    record Plan(List<List<KvOp>> batches, List<KvOp> oversized) {
    }

    private TxnPlanner() {
    }

    /**
     * @param ops      deletes and sets, in the order they must apply
     * @param guard    the ref key's check
     * @param refSet   the ref key's new value
     * @param maxOps   operations per transaction (Consul: 64 before 1.14, 128 after)
     * @param maxBytes request body bytes per transaction
     */
    static Plan plan(List<KvOp> ops, KvOp guard, KvOp refSet, int maxOps, int maxBytes) {
        return plan(ops, guard, List.of(refSet), maxOps, maxBytes);
    }

    /**
     * As {@link #plan(List, KvOp, KvOp, int, int)}, the last transaction ending with {@code finals} (the ref's new value
     * and what else must commit with it, such as the record of the sync).
     */
    static Plan plan(List<KvOp> ops, KvOp guard, List<KvOp> finals, int maxOps, int maxBytes) {
        int fixed = 1 + finals.size();
        if (maxOps < fixed + 1) {
            throw new IllegalArgumentException("a transaction needs room for at least " + (fixed + 1) + " operations");
        }
        int reserved = guard.encodedSize();
        for (KvOp op : finals) {
            reserved += op.encodedSize();
        }
        List<KvOp> fitting = new ArrayList<>();
        List<KvOp> oversized = new ArrayList<>();
        for (KvOp op : ops) {
            (op.encodedSize() + reserved + 2 > maxBytes ? oversized : fitting).add(op);
        }
        List<List<KvOp>> batches = new ArrayList<>();
        List<KvOp> current = new ArrayList<>();
        int bytes = 2;
        for (KvOp op : fitting) {
            if (current.size() == maxOps || bytes + op.encodedSize() > maxBytes) {
                batches.add(current);
                current = new ArrayList<>();
                bytes = 2;
            }
            current.add(op);
            bytes += op.encodedSize() + 1;
        }
        // the last batch must also hold the guard and the ref's new value
        if (current.size() + fixed > maxOps || bytes + reserved + fixed > maxBytes) {
            List<KvOp> tail = new ArrayList<>();
            while (!current.isEmpty() && (current.size() + fixed > maxOps || bytes + reserved + fixed > maxBytes)) {
                KvOp moved = current.remove(current.size() - 1);
                tail.add(0, moved);
                bytes -= moved.encodedSize() + 1;
            }
            batches.add(current);
            current = tail;
        }
        List<KvOp> last = new ArrayList<>(current.size() + fixed);
        last.add(guard);
        last.addAll(current);
        last.addAll(finals);
        batches.add(last);
        batches.removeIf(List::isEmpty);
        return new Plan(batches, oversized);
    }
}
