package dev.quayside.events;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Package URLs for OCI images, as CDEvents artifact ids:
 * {@code pkg:oci/<name>@sha256%3A<hex>?repository_url=<registry>/<path>&tag=<tag>}.
 */
public final class Purl {

    private Purl() {
    }

    /**
     * @param registry host[:port] of the registry
     * @param path     the image path inside the registry (its last segment is the PURL name)
     * @param digest   {@code sha256:<hex>}, or null for an image known only by tag
     * @param tag      the tag, or null
     */
    public static String oci(String registry, String path, String digest, String tag) {
        String name = path.substring(path.lastIndexOf('/') + 1).toLowerCase();
        StringBuilder purl = new StringBuilder("pkg:oci/").append(name);
        if (digest != null) {
            purl.append('@').append(encode(digest));
        }
        String repositoryUrl = registry == null || registry.isEmpty() ? path : registry + "/" + path;
        purl.append("?repository_url=").append(encode(repositoryUrl).replace("%2F", "/"));
        if (tag != null) {
            purl.append("&tag=").append(encode(tag));
        }
        return purl.toString();
    }

    /** The PURL of a Docker image reference such as {@code 127.0.0.1:5000/team/app:1a2b3c@sha256:...}. */
    public static String fromImageReference(String reference) {
        ImageReference ref = ImageReference.parse(reference);
        return oci(ref.registry(), ref.path(), ref.digest(), ref.tag());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
