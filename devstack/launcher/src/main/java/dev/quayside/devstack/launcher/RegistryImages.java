package dev.quayside.devstack.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quayside.devstack.docker.SampleApp;
import dev.quayside.events.EventCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Images made without image-builder, for benchmarks and the chaos harness: one small image (the busybox sample app)
 * built and pushed once, then — per app and per commit — "tagged and pushed" at registry level: the blobs are mounted
 * into the app's repository once, and each commit tag is one manifest {@code PUT} of the same manifest (what
 * {@code docker tag} + {@code docker push} of an image whose layers the registry has already amounts to).
 * image-builder then finds {@code <app>:<commit tag>} and takes its image-exists path.
 */
public final class RegistryImages {

    public static final String BASE_TAG = "base";
    private static final String MANIFEST_V2 = "application/vnd.docker.distribution.manifest.v2+json";

    private final String address;
    private final String baseRepository;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private String manifest;
    private String mediaType;
    private String digest;
    private final List<String> blobs = new ArrayList<>();
    private final List<String> localTags = new ArrayList<>();

    /** Images in the registry at {@code address} ({@code host:port}), made from {@code <baseRepository>:base}. */
    public RegistryImages(String address, String baseRepository) {
        this.address = address;
        this.baseRepository = baseRepository;
    }

    /** Builds the sample app (serving {@code version}) once with the Docker CLI and pushes it as the base image. */
    public void pushBaseImage(Path workDir, String version) {
        Path context = SampleApp.writeSource(workDir.resolve("base-image"), version);
        String image = address + "/" + baseRepository + ":" + BASE_TAG;
        localTags.add(image);
        DockerCli.run(Duration.ofMinutes(4), "build", "-q", "-t", image, context.toString());
        DockerCli.run(Duration.ofMinutes(2), "push", "-q", image);
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/v2/" + baseRepository + "/manifests/" + BASE_TAG))
                .header("Accept", MANIFEST_V2).GET());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("registry answered " + response.statusCode() + " for the base manifest");
        }
        manifest = response.body();
        mediaType = response.headers().firstValue("Content-Type").orElse(MANIFEST_V2);
        digest = response.headers().firstValue("Docker-Content-Digest").orElseThrow(() -> new IllegalStateException(
                "the registry sent no Docker-Content-Digest for the base manifest"));
        try {
            JsonNode json = EventCodec.mapper().readTree(manifest);
            blobs.add(json.path("config").path("digest").asText());
            json.path("layers").forEach(layer -> blobs.add(layer.path("digest").asText()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The base image's manifest digest ({@code sha256:…}); after {@link #pushBaseImage}. */
    public String baseDigest() {
        return digest;
    }

    /** Mounts the base image's blobs into {@code <app>} (no upload) and tags it {@code base} there. */
    public void seedApp(String app) {
        for (String digest : blobs) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/v2/" + app + "/blobs/uploads/?mount="
                    + digest + "&from=" + baseRepository)).POST(HttpRequest.BodyPublishers.noBody()));
            if (response.statusCode() != 201) {
                throw new IllegalStateException("mounting " + digest + " into " + app + ": HTTP " + response.statusCode());
            }
        }
        tag(app, BASE_TAG);
    }

    /** {@code <registry>/<app>:<tag>} = the base image: one manifest PUT. */
    public void tag(String app, String tag) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/v2/" + app + "/manifests/" + tag))
                .header("Content-Type", mediaType).PUT(HttpRequest.BodyPublishers.ofString(manifest)));
        if (response.statusCode() != 201) {
            throw new IllegalStateException("tagging " + app + ":" + tag + ": HTTP " + response.statusCode() + " "
                    + response.body());
        }
    }

    /** Removes the local Docker tags this benchmark made (the image layers stay in the engine's cache). */
    public void removeLocalTags() {
        for (String tag : localTags) {
            try {
                DockerCli.run(Duration.ofSeconds(60), "rmi", tag);
            } catch (RuntimeException e) {
                System.out.println("could not remove " + tag + ": " + e.getMessage());
            }
        }
    }

    private URI uri(String path) {
        return URI.create("http://" + address + path);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
