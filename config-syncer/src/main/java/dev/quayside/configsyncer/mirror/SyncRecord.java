package dev.quayside.configsyncer.mirror;

/**
 * What the mirror last wrote for a branch, kept at {@code [mountpoint/][repo/]<branch>.sync} and set in the same
 * Consul transaction as the ref: which commit was synced (from which), and whether its {@code ConfigSynced} was
 * announced. A sync written but not announced (a crash or a broker outage between the two) is announced when the
 * service starts and by the periodic reconcile.
 *
 * @param commit     the commit synced
 * @param from       the commit synced before it, or null (first sync)
 * @param fullResync whether every file was written
 * @param announced  whether its {@code ConfigSynced} was published (acknowledged by the broker)
 * @param chainId    the chain of the event that caused the sync, or null (reconcile, operator)
 * @param syncedAt   when it was written (epoch milliseconds)
 */
public record SyncRecord(String commit, String from, boolean fullResync, boolean announced, String chainId,
        long syncedAt) {

    public byte[] toJson() {
        return KvJson.write(this);
    }

    /** The record in {@code json}, or null when it is not one (written by someone else, or damaged). */
    public static SyncRecord parse(String json) {
        SyncRecord record = KvJson.read(json, SyncRecord.class);
        return record == null || record.commit() == null ? null : record;
    }

    SyncRecord markAnnounced() {
        return new SyncRecord(commit, from, fullResync, true, chainId, syncedAt);
    }
}
