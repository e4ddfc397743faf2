package dev.quayside.configsyncer.service;

import java.time.Duration;

/**
 * The service-wide settings the write-back and the mirror use (see {@code ConfigSyncerConfig}).
 *
 * @param imagesPrefix         Consul prefix of the image keys
 * @param pushAttempts         push attempts of one write-back
 * @param syncAttempts         attempts of one mirror run
 * @param retryDelay           base pause between attempts
 * @param txnMaxOperations     operations per Consul transaction
 * @param txnMaxBytes          request bytes per Consul transaction
 * @param maxValueBytes        largest value Consul takes
 * @param mirrorAfterWriteBack mirror right after a write-back's push
 */
public record SyncSettings(String imagesPrefix, int pushAttempts, int syncAttempts, Duration retryDelay,
        int txnMaxOperations, int txnMaxBytes, int maxValueBytes, boolean mirrorAfterWriteBack) {

    public static SyncSettings defaults() {
        return new SyncSettings("quayside/images", 10, 3, Duration.ofMillis(50), 64, 524288, 524288, true);
    }

    public SyncSettings withSyncAttempts(int attempts) {
        return new SyncSettings(imagesPrefix, pushAttempts, attempts, retryDelay, txnMaxOperations, txnMaxBytes,
                maxValueBytes, mirrorAfterWriteBack);
    }

    public SyncSettings withTxnMaxOperations(int operations) {
        return new SyncSettings(imagesPrefix, pushAttempts, syncAttempts, retryDelay, operations, txnMaxBytes,
                maxValueBytes, mirrorAfterWriteBack);
    }

    /** Sleeps before attempt {@code attempt + 1}: the base delay times the attempt, with ±50% jitter. */
    void pause(int attempt) {
        long base = retryDelay.toMillis() * attempt;
        long millis = (long) (base * (0.5 + Math.random()));
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to retry", e);
        }
    }
}
