package dev.quayside.devstack.consul;

import java.util.List;

/**
 * Outcome of a transaction: the entries to report (values kept only for reads) or the errors that rolled it back.
 *
 * @param results entries in operation order, each with whether its value is shown
 * @param errors failed operations; empty when committed
 * @param index the index the writes were committed at (0 when nothing was written)
 */
record TxnResult(List<Reported> results, List<Error> errors, long index) {

    record Reported(KvEntry entry, boolean withValue) {
    }

    record Error(int opIndex, String what) {
    }
}
