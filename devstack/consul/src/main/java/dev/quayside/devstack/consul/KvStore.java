package dev.quayside.devstack.consul;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Consul's KV table and its graveyard (tombstones), with Consul's index rules. Not thread-safe: {@link ConsulState}
 * holds its lock around every call.
 */
final class KvStore {

    private final TreeMap<String, KvEntry> entries = new TreeMap<>();
    /** Deleted keys and the index they were deleted at, so that a prefix's index never goes backwards. */
    private final TreeMap<String, Long> tombstones = new TreeMap<>();
    private long kvsIndex;
    private long tombstonesIndex;

    KvEntry get(String key) {
        return entries.get(key);
    }

    int size() {
        return entries.size();
    }

    List<KvEntry> list(String prefix) {
        return new ArrayList<>(prefixView(entries, prefix).values());
    }

    /** {@code ?keys}: keys under the prefix, cut after the first separator past the prefix and de-duplicated. */
    List<String> keys(String prefix, String separator) {
        List<String> keys = new ArrayList<>();
        String last = null;
        for (String key : prefixView(entries, prefix).keySet()) {
            if (separator == null || separator.isEmpty()) {
                keys.add(key);
                continue;
            }
            int at = key.indexOf(separator, prefix.length());
            if (at >= 0) {
                String upTo = key.substring(0, at + separator.length());
                if (!upTo.equals(last)) {
                    keys.add(upTo);
                    last = upTo;
                }
            } else {
                keys.add(key);
            }
        }
        return keys;
    }

    /** The index of the whole KV table, graveyard included (what a single-key read reports). */
    long tableIndex() {
        return Math.max(kvsIndex, tombstonesIndex);
    }

    /**
     * The index of a prefix read: the highest modify index of the keys and tombstones under the prefix, or the table
     * index when that is 0 or the prefix is empty (Consul's {@code kvsListTxn}).
     */
    long prefixIndex(String prefix) {
        if (prefix.isEmpty()) {
            return tableIndex();
        }
        long index = 0;
        for (KvEntry entry : prefixView(entries, prefix).values()) {
            index = Math.max(index, entry.modifyIndex());
        }
        for (Long deleted : prefixView(tombstones, prefix).values()) {
            index = Math.max(index, deleted);
        }
        return index != 0 ? index : tableIndex();
    }

    // ---- writes; each records what it replaced in the undo log so that a failed transaction leaves no trace ----

    void set(long index, String key, byte[] value, long flags, UndoLog undo) {
        KvEntry existing = entries.get(key);
        KvEntry entry = existing == null
                ? new KvEntry(key, value, flags, index, index, 0, null)
                : new KvEntry(key, value, flags, existing.createIndex(), index, existing.lockIndex(),
                        existing.session());
        put(entry, undo);
    }

    /** CAS set: {@code cas == 0} only creates; otherwise the key must exist with that modify index. */
    boolean cas(long index, String key, byte[] value, long flags, long cas, UndoLog undo) {
        KvEntry existing = entries.get(key);
        if (cas == 0 && existing != null) {
            return false;
        }
        if (cas != 0 && (existing == null || existing.modifyIndex() != cas)) {
            return false;
        }
        set(index, key, value, flags, undo);
        return true;
    }

    void delete(long index, String key, UndoLog undo) {
        KvEntry existing = entries.get(key);
        if (existing == null) {
            return;
        }
        undo.record(this, key, existing, tombstones.get(key));
        entries.remove(key);
        bury(index, key);
    }

    /** Deletes the key only when its modify index is {@code cas}; a missing key counts as deleted (Consul). */
    boolean deleteCas(long index, String key, long cas, UndoLog undo) {
        KvEntry existing = entries.get(key);
        if (existing == null || existing.modifyIndex() != cas) {
            return existing == null;
        }
        delete(index, key, undo);
        return true;
    }

    /** Deletes every key starting with {@code prefix}: a plain prefix match, exactly as Consul does. */
    List<String> deleteTree(long index, String prefix, UndoLog undo) {
        List<String> deleted = new ArrayList<>(prefixView(entries, prefix).keySet());
        for (String key : deleted) {
            delete(index, key, undo);
        }
        return deleted;
    }

    private void put(KvEntry entry, UndoLog undo) {
        undo.record(this, entry.key(), entries.get(entry.key()), tombstones.get(entry.key()));
        entries.put(entry.key(), entry);
        tombstones.remove(entry.key());
        kvsIndex = Math.max(kvsIndex, entry.modifyIndex());
    }

    private void bury(long index, String key) {
        tombstones.put(key, index);
        tombstonesIndex = Math.max(tombstonesIndex, index);
        kvsIndex = Math.max(kvsIndex, index);
    }

    /** Restores one key to what it was (used by {@link UndoLog#rollback()}). */
    void restore(String key, KvEntry entry, Long tombstone) {
        if (entry == null) {
            entries.remove(key);
        } else {
            entries.put(key, entry);
        }
        if (tombstone == null) {
            tombstones.remove(key);
        } else {
            tombstones.put(key, tombstone);
        }
    }

    long[] indexes() {
        return new long[] {kvsIndex, tombstonesIndex};
    }

    void restoreIndexes(long[] indexes) {
        kvsIndex = indexes[0];
        tombstonesIndex = indexes[1];
    }

    // ---- persistence ----

    Map<String, KvEntry> entries() {
        return entries;
    }

    Map<String, Long> tombstones() {
        return tombstones;
    }

    void load(Iterable<KvEntry> loaded, Map<String, Long> loadedTombstones, long kvs, long graves) {
        entries.clear();
        tombstones.clear();
        for (KvEntry entry : loaded) {
            entries.put(entry.key(), entry);
        }
        tombstones.putAll(loadedTombstones);
        kvsIndex = kvs;
        tombstonesIndex = graves;
    }

    private static <V> NavigableMap<String, V> prefixView(TreeMap<String, V> map, String prefix) {
        if (prefix.isEmpty()) {
            return map;
        }
        // every key starting with prefix sorts before prefix + U+FFFF (keys are UTF-16 strings)
        return map.subMap(prefix, true, prefix + Character.MAX_VALUE, false);
    }

    /** What a transaction changed, to put back when one of its operations fails. */
    static final class UndoLog {
        private record Step(String key, KvEntry entry, Long tombstone) {
        }

        private final List<Step> steps = new ArrayList<>();
        private KvStore store;
        private long[] indexes;

        void record(KvStore kv, String key, KvEntry previous, Long previousTombstone) {
            if (store == null) {
                store = kv;
                indexes = kv.indexes();
            }
            steps.add(new Step(key, previous, previousTombstone));
        }

        boolean isEmpty() {
            return steps.isEmpty();
        }

        void rollback() {
            for (int i = steps.size() - 1; i >= 0; i--) {
                Step step = steps.get(i);
                store.restore(step.key(), step.entry(), step.tombstone());
            }
            if (store != null) {
                store.restoreIndexes(indexes);
            }
            steps.clear();
        }

        List<String> keys() {
            List<String> keys = new ArrayList<>(steps.size());
            for (Step step : steps) {
                keys.add(step.key());
            }
            return keys;
        }
    }
}
