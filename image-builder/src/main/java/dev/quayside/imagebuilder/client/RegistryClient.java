package dev.quayside.imagebuilder.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quayside.imagebuilder.config.RegistryConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The registry's HTTP API v2 (manifest look-ups by tag), with Basic credentials or a Bearer token obtained from the
 * registry's token realm. Outages become {@link InfrastructureException}s, retried with {@link Backoff}.
 */
@ApplicationScoped
public class RegistryClient {

    static final String MANIFEST_TYPES = String.join(",",
            "application/vnd.oci.image.index.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.v2+json");
    private static final Pattern CHALLENGE_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    private final RegistryConfig config;
    private final DockerCredentials credentials;
    private final Backoff backoff;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();
    private final Timer lookupTimer;

    RegistryClient(RegistryConfig config, DockerCredentials credentials, Backoff backoff, MeterRegistry meters) {
        this.config = config;
        this.credentials = credentials;
        this.backoff = backoff;
        this.http = HttpClient.newBuilder().connectTimeout(config.requestTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        this.lookupTimer = Timer.builder("quayside.image-builder.registry.lookup")
                .description("manifest look-ups in the registry").register(meters);
    }

    /** host[:port] of the registry. */
    public String address() {
        return config.address();
    }

    /**
     * The digest ({@code sha256:...}) of {@code name:tag}, or empty when the registry does not have it. Retries while
     * the registry is unreachable or answers 5xx.
     */
    public Optional<String> digest(String name, String tag, Consumer<String> log) {
        return backoff.call("registry look-up of " + name + ":" + tag, log, () -> lookUp(name, tag));
    }

    /** One look-up without retries (the readiness check). */
    public boolean answers() {
        try {
            HttpResponse<Void> response = send(HttpRequest.newBuilder(uri("/v2/")).GET(), null,
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200 || response.statusCode() == 401;
        } catch (InfrastructureException e) {
            return false;
        }
    }

    /**
     * Gives the manifest {@code name@digest} the tag {@code tag} as well, in the registry alone (no pull, no push of
     * layers). Retries while the registry is unreachable or answers 5xx.
     */
    public void tag(String name, String digest, String tag, Consumer<String> log) {
        backoff.call("registry tag " + name + ":" + tag, log, () -> {
            retag(name, digest, tag);
            return null;
        });
        log.accept("tagged " + address() + "/" + name + "@" + digest + " as " + tag + " in the registry");
    }

    Optional<String> lookUp(String name, String tag) {
        Timer.Sample sample = Timer.start();
        try {
            HttpResponse<Void> response = authorized(HttpRequest.newBuilder(uri("/v2/" + name + "/manifests/" + tag))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody())
                    .header("Accept", MANIFEST_TYPES), name, HttpResponse.BodyHandlers.discarding());
            int status = response.statusCode();
            if (status == 404) {
                return Optional.empty();
            }
            if (status == 200) {
                return Optional.of(response.headers().firstValue("Docker-Content-Digest").orElseThrow(() ->
                        new InfrastructureException("registry " + address() + " sent no Docker-Content-Digest for "
                                + name + ":" + tag)));
            }
            throw unexpected(status, name, tag);
        } finally {
            sample.stop(lookupTimer);
        }
    }

    private void retag(String name, String digest, String tag) {
        HttpResponse<byte[]> manifest = authorized(HttpRequest.newBuilder(uri("/v2/" + name + "/manifests/" + digest))
                .GET().header("Accept", MANIFEST_TYPES), name, HttpResponse.BodyHandlers.ofByteArray());
        if (manifest.statusCode() != 200) {
            throw unexpected(manifest.statusCode(), name, digest);
        }
        String type = manifest.headers().firstValue("Content-Type").orElseThrow(() -> new InfrastructureException(
                "registry " + address() + " sent no Content-Type for " + name + "@" + digest));
        HttpResponse<Void> put = authorized(HttpRequest.newBuilder(uri("/v2/" + name + "/manifests/" + tag))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest.body())).header("Content-Type", type), name,
                HttpResponse.BodyHandlers.discarding());
        if (put.statusCode() != 201 && put.statusCode() != 200) {
            throw unexpected(put.statusCode(), name, tag);
        }
    }

    private RuntimeException unexpected(int status, String name, String reference) {
        if (status == 401 || status == 403) {
            return new BuildFailedException("registry " + address() + " refused access to " + name + " (HTTP "
                    + status + "): check quayside.registry.username/password or ~/.docker/config.json");
        }
        return new InfrastructureException("registry " + address() + " answered HTTP " + status + " for " + name
                + ":" + reference);
    }

    /** Sends {@code request} with Basic credentials, and again with a Bearer token when the registry asks for one. */
    private <T> HttpResponse<T> authorized(HttpRequest.Builder request, String name, HttpResponse.BodyHandler<T> body) {
        HttpResponse<T> response = send(request, basicAuthorization(), body);
        if (response.statusCode() == 401) {
            Optional<String> token = bearerToken(response, name);
            if (token.isPresent()) {
                response = send(request, "Bearer " + token.get(), body);
            }
        }
        return response;
    }

    private <T> HttpResponse<T> send(HttpRequest.Builder request, String authorization,
            HttpResponse.BodyHandler<T> body) {
        request.timeout(config.requestTimeout());
        if (authorization != null) {
            request.setHeader("Authorization", authorization);
        }
        try {
            return http.send(request.build(), body);
        } catch (IOException e) {
            throw new InfrastructureException("registry " + address() + " unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InfrastructureException("interrupted while asking the registry " + address(), e);
        }
    }

    private Optional<String> bearerToken(HttpResponse<?> challenge, String name) {
        String header = challenge.headers().firstValue("WWW-Authenticate").orElse("");
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = CHALLENGE_PARAM.matcher(header);
        while (m.find()) {
            params.put(m.group(1), m.group(2));
        }
        String realm = params.get("realm");
        if (realm == null) {
            return Optional.empty();
        }
        StringBuilder url = new StringBuilder(realm).append(realm.contains("?") ? '&' : '?');
        url.append("scope=").append(enc(params.getOrDefault("scope", "repository:" + name + ":pull")));
        if (params.containsKey("service")) {
            url.append("&service=").append(enc(params.get("service")));
        }
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url.toString())).timeout(config.requestTimeout());
            String basic = basicAuthorization();
            if (basic != null) {
                request.header("Authorization", basic);
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return Optional.empty();
            }
            JsonNode body = json.readTree(response.body());
            JsonNode token = body.hasNonNull("token") ? body.get("token") : body.get("access_token");
            return Optional.ofNullable(token).map(JsonNode::asText);
        } catch (IOException e) {
            throw new InfrastructureException("token service " + realm + " unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InfrastructureException("interrupted while asking " + realm, e);
        }
    }

    private String basicAuthorization() {
        return credentials.forRegistry(address())
                .map(c -> "Basic " + Base64.getEncoder().encodeToString(
                        (c.username() + ":" + c.password()).getBytes(StandardCharsets.UTF_8)))
                .orElse(null);
    }

    private URI uri(String path) {
        return URI.create(scheme() + "://" + address() + path);
    }

    private String scheme() {
        return config.scheme().orElseGet(() -> isLoopback(address()) ? "http" : "https");
    }

    static boolean isLoopback(String address) {
        String host = address.startsWith("[") ? address.substring(1, address.indexOf(']'))
                : address.contains(":") ? address.substring(0, address.lastIndexOf(':')) : address;
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
