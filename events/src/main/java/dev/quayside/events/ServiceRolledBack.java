package dev.quayside.events;

/**
 * A failed deployment was rolled back to the previous version (CDEvents {@code service.rolledback}). The fields after
 * {@code reason} say where the failing definition came from, so that config-syncer can write the rollback back into
 * the config repository (a commit restoring the last good definition); they are null when it is not known (a
 * definition applied by a drift pass rather than a sync).
 *
 * @param deployment       the failed deployment (its image is the failing image)
 * @param toVersion        the version Marathon went back to
 * @param reason           why: the failure, and how the rollback went
 * @param configRepository the config repository the failing definition came from
 * @param branch           its branch
 * @param file             the definition file in it ({@code marathon/<environment>/<app>.json})
 * @param failedCommit     the config commit whose sync brought the failing definition
 * @param restoreCommit    the config commit synced before it (where the last good definition is), or null
 * @param healthCheck      the health check that failed, with its last failure, or null when it was not a health check
 * @param definitionBlob   the Git blob id (SHA-1 of {@code "blob <length>\0" + content}) of the failing definition as
 *                         it was applied (Consul KV's value, which the mirror copies byte for byte from the file), or
 *                         null; it names the failing content even when the sync applied what a newer commit than
 *                         {@code failedCommit} had already put in KV (added in 0.3)
 */
public record ServiceRolledBack(Deployment deployment, String toVersion, String reason, String configRepository,
        String branch, String file, String failedCommit, String restoreCommit, String healthCheck,
        String definitionBlob) implements DeploymentEvent {

    /** A rollback without the failing definition's blob id (the form before 0.3). */
    public ServiceRolledBack(Deployment deployment, String toVersion, String reason, String configRepository,
            String branch, String file, String failedCommit, String restoreCommit, String healthCheck) {
        this(deployment, toVersion, reason, configRepository, branch, file, failedCommit, restoreCommit, healthCheck,
                null);
    }

    /** A rollback without its origin in the config repository (the form before 0.2). */
    public ServiceRolledBack(Deployment deployment, String toVersion, String reason) {
        this(deployment, toVersion, reason, null, null, null, null, null, null, null);
    }

    /** Whether the event says enough to write the rollback back into the config repository. */
    public boolean writableBack() {
        return configRepository != null && branch != null && file != null && failedCommit != null;
    }
}
