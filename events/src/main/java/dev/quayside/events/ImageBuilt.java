package dev.quayside.events;

import java.util.List;
import java.util.Map;

/**
 * An image for a commit is in the registry (CDEvents {@code artifact.published}); emitted only after the registry has
 * the manifest.
 *
 * @param artifactId  the PURL, see {@link Purl#oci}
 * @param registry    registry host[:port], e.g. {@code 127.0.0.1:5000}
 * @param name        image name inside the registry, e.g. {@code sample-app}
 * @param tag         the commit's tag (short sha)
 * @param extraTags   other tags pushed for the same digest (branch, latest)
 * @param digest      {@code sha256:<hex>}
 * @param reused      true when the image already existed and no build ran
 */
public record ImageBuilt(String app, String repository, String commit, String branch, String registry,
        String name, String tag, List<String> extraTags, String digest, String artifactId, Map<String, String> labels,
        boolean reused) implements PipelineEvent {

    /** {@code registry/name:tag@digest}: the pinned reference to write into definitions. */
    public String pinnedReference() {
        return registry + "/" + name + ":" + tag + "@" + digest;
    }

    /** {@code registry/name}: the image repository definitions are matched against. */
    public String imageRepository() {
        return registry + "/" + name;
    }

    @Override
    public String subjectId() {
        return artifactId;
    }

    @Override
    public String partitionKey() {
        return app;
    }
}
