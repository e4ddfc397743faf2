package dev.quayside.gitwatcher.support;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * git-watcher configured as a careful operator would: no default secret (every repository has its own, some read from
 * files), credentials in clone URLs and in files, and a short delivery-id retention so that expiry can be watched.
 * A small HTTP server on 127.0.0.1 stands in for a Git host's smart-HTTP endpoint and records the credentials it is
 * sent (it asks for Basic authentication, then answers 404).
 */
public class HardenedProfile implements QuarkusTestProfile {

    public static final String CREDS_PASSWORD = "s3cret-password-in-url";
    public static final String URL_TOKEN = "ghp_tokenInTheUserPart0123456789";
    public static final String FILE_TOKEN = "token-read-from-a-file-42";
    public static final String FILED_SECRET = "secret-read-from-a-file";
    public static final String CREDS_SECRET = "creds-secret";
    public static final String DELIVERY_RETENTION = "10s";
    /** Authorization headers the stand-in Git host received. */
    public static final List<String> AUTHORIZATIONS = new CopyOnWriteArrayList<>();

    private static HttpServer gitHost;

    /** The stand-in Git host's port, started once per JVM. */
    static synchronized int gitHostPort() {
        if (gitHost == null) {
            try {
                gitHost = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            gitHost.createContext("/", exchange -> {
                String authorization = exchange.getRequestHeaders().getFirst("Authorization");
                if (authorization == null) {
                    exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"git\"");
                    exchange.sendResponseHeaders(401, -1);
                } else {
                    AUTHORIZATIONS.add(authorization);
                    exchange.sendResponseHeaders(404, -1);
                }
                exchange.close();
            });
            gitHost.start();
        }
        return gitHost.getAddress().getPort();
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        String prefix = "quayside.git-watcher.repositories.";
        Map<String, String> config = new HashMap<>();
        config.put("quayside.git-watcher.default-secret", "");
        config.put("quayside.git-watcher.dedup.delivery-retention", DELIVERY_RETENTION);
        config.put(prefix + "creds.clone-url", "https://ci-bot:" + CREDS_PASSWORD + "@github.example/acme/creds.git");
        config.put(prefix + "creds.secret", CREDS_SECRET);
        config.put(prefix + "creds.poll-interval", "0s");
        int port = gitHostPort();
        config.put(prefix + "token-in-url.clone-url", "http://" + URL_TOKEN + "@127.0.0.1:" + port + "/acme/a.git");
        config.put(prefix + "token-in-url.poll-interval", "0s");
        config.put(prefix + "token-file.clone-url", "http://127.0.0.1:" + port + "/acme/b.git");
        config.put(prefix + "token-file.credentials.token-file", file("token", FILE_TOKEN + "\n").toString());
        config.put(prefix + "token-file.poll-interval", "0s");
        config.put(prefix + "filed.clone-url", "https://github.example/acme/filed.git");
        config.put(prefix + "filed.secret-file", file("webhook-secret", FILED_SECRET + "\n").toString());
        config.put(prefix + "filed.poll-interval", "0s");
        return config;
    }

    private static Path file(String name, String content) {
        try {
            Path dir = Files.createTempDirectory("git-watcher-secrets-");
            Path file = dir.resolve(name);
            Files.writeString(file, content);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
