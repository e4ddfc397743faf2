package dev.quayside.configsyncer.service;

import dev.quayside.kit.retry.RetryPolicy;
import java.time.Duration;

/**
 * The service-wide settings the write-back and the mirror use (see {@code ConfigSyncerConfig}).
 *
 * @param imagesPrefix         Consul prefix of the image keys
 * @param pushAttempts         push attempts of one write-back when the branch keeps moving
 * @param pushPause            first pause before re-applying a write-back on a moved branch (grows, with jitter)
 * @param retry                how Git and Consul failures are retried (a mirror run, a write-back)
 * @param txnMaxOperations     operations per Consul transaction
 * @param txnMaxBytes          request bytes per Consul transaction
 * @param maxValueBytes        largest value Consul takes
 * @param mirrorAfterWriteBack mirror right after a write-back's push
 * @param suspendedPrefix      Consul prefix of the suspension keys {@code <prefix>/<app>/<environment>}
 */
public record SyncSettings(String imagesPrefix, int pushAttempts, Duration pushPause, RetryPolicy retry,
        int txnMaxOperations, int txnMaxBytes, int maxValueBytes, boolean mirrorAfterWriteBack,
        String suspendedPrefix) {

    public static SyncSettings defaults() {
        return new SyncSettings("quayside/images", 10, Duration.ofMillis(50), RetryPolicy.defaults(), 64, 524288, 524288,
                true, "quayside/suspended");
    }

    /** These settings with {@code attempts} attempts of one mirror run (and of one write-back) at most. */
    public SyncSettings withSyncAttempts(int attempts) {
        return new SyncSettings(imagesPrefix, pushAttempts, pushPause, retry.withMaxRetries(Math.max(0, attempts - 1)),
                txnMaxOperations, txnMaxBytes, maxValueBytes, mirrorAfterWriteBack, suspendedPrefix);
    }

    public SyncSettings withTxnMaxOperations(int operations) {
        return new SyncSettings(imagesPrefix, pushAttempts, pushPause, retry, operations, txnMaxBytes, maxValueBytes,
                mirrorAfterWriteBack, suspendedPrefix);
    }

    /**
     * The waits between push attempts on a moving branch: short (another writer just pushed), growing and jittered so
     * that competing syncers spread out; bounded by the number of attempts, not by time.
     */
    public RetryPolicy pushContention() {
        return RetryPolicy.of(pushPause, 1.5, pushPause.multipliedBy(20), Duration.ZERO, Math.max(0, pushAttempts - 1),
                0.5);
    }
}
