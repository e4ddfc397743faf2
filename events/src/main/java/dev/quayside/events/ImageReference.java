package dev.quayside.events;

/**
 * A parsed Docker image reference {@code [registry/]path[:tag][@digest]}, following Docker's rule that the first
 * segment is a registry only when it contains a dot or a colon or is {@code localhost}.
 *
 * @param registry the registry host[:port], or null for Docker Hub
 * @param path     the repository path, e.g. {@code team/app}
 * @param tag      the tag, or null
 * @param digest   {@code sha256:<hex>}, or null
 */
public record ImageReference(String registry, String path, String tag, String digest) {

    public static ImageReference parse(String reference) {
        if (reference == null || reference.isBlank()) {
            throw new IllegalArgumentException("empty image reference");
        }
        String rest = reference.trim();
        String digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
        }
        String registry = null;
        int slash = rest.indexOf('/');
        if (slash > 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                registry = first;
                rest = rest.substring(slash + 1);
            }
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
        }
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("image reference without a repository: " + reference);
        }
        return new ImageReference(registry, rest, tag, digest);
    }

    /** {@code [registry/]path}: what definitions are matched on when a new image is built. */
    public String repository() {
        return registry == null ? path : registry + "/" + path;
    }

    @Override
    public String toString() {
        return repository() + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
    }
}
