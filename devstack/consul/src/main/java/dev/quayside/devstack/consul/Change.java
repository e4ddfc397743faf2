package dev.quayside.devstack.consul;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * What one committed write touched, so that blocking queries wake only for changes under what they watch.
 *
 * @param index the Raft-like index the write was committed at
 * @param keys KV keys written or deleted
 * @param services service names whose instances or checks changed
 * @param serviceList true when the set of services or their tags changed ({@code /v1/catalog/services})
 */
record Change(long index, Collection<String> keys, Set<String> services, boolean serviceList) {

    static Change kv(long index, Collection<String> keys) {
        return new Change(index, keys, Set.of(), false);
    }

    static Change catalog(long index, Set<String> services, boolean serviceList) {
        return new Change(index, List.of(), services, serviceList);
    }

    boolean touchesKeyPrefix(String prefix) {
        if (prefix.isEmpty()) {
            return !keys.isEmpty();
        }
        for (String key : keys) {
            if (key.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
