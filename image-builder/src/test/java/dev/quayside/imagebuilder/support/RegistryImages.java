package dev.quayside.imagebuilder.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Images put into the test's registry ({@code quayside.registry.address}, e.g. devstack's {@code LocalRegistryResource}
 * without a Docker engine) through the registry's API, as a push would, for tests of the image-exists path: a minimal
 * image (a config blob, one empty layer, a schema-2 manifest) under a tag.
 */
public final class RegistryImages {

    private static final String MANIFEST_V2 = "application/vnd.docker.distribution.manifest.v2+json";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private RegistryImages() {
    }

    /** Puts a minimal image at {@code <name>:<tag>} and returns its manifest digest. */
    public static String put(String name, String tag) {
        try {
            byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":\"layers\","
                    + "\"diff_ids\":[]}}").getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream gz = new ByteArrayOutputStream();
            try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
                out.write(new byte[1024]); // an empty tar archive: two zero blocks
            }
            byte[] layer = gz.toByteArray();
            String configDigest = upload(name, config);
            String layerDigest = upload(name, layer);
            String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + MANIFEST_V2 + "\",\"config\":{\"mediaType\":"
                    + "\"application/vnd.docker.container.image.v1+json\",\"size\":" + config.length + ",\"digest\":\""
                    + configDigest + "\"},\"layers\":[{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar."
                    + "gzip\",\"size\":" + layer.length + ",\"digest\":\"" + layerDigest + "\"}]}";
            HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(uri("/v2/" + name + "/manifests/" + tag))
                    .header("Content-Type", MANIFEST_V2).PUT(HttpRequest.BodyPublishers.ofString(manifest)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (put.statusCode() != 201) {
                throw new IllegalStateException("manifest PUT: HTTP " + put.statusCode() + " " + put.body());
            }
            return put.headers().firstValue("Docker-Content-Digest").orElseThrow();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String upload(String name, byte[] blob) throws IOException, InterruptedException {
        String digest = digest(blob);
        HttpResponse<String> start = HTTP.send(HttpRequest.newBuilder(uri("/v2/" + name + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        String location = start.headers().firstValue("Location").orElseThrow(() -> new IllegalStateException(
                "blob upload: HTTP " + start.statusCode() + " " + start.body()));
        URI target = uri("/").resolve(location);
        URI put = URI.create(target + (target.getQuery() == null ? "?" : "&") + "digest=" + digest);
        HttpResponse<String> done = HTTP.send(HttpRequest.newBuilder(put)
                .header("Content-Type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.ofByteArray(blob))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (done.statusCode() != 201) {
            throw new IllegalStateException("blob PUT: HTTP " + done.statusCode() + " " + done.body());
        }
        return digest;
    }

    private static String digest(byte[] blob) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(blob));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static URI uri(String path) {
        return URI.create("http://" + ConfigProvider.getConfig().getValue("quayside.registry.address", String.class)
                + path);
    }
}
