package dev.quayside.edgerouter.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Registers services and flips their TTL checks through Consul's agent HTTP API, as registrator would. */
public final class ConsulAgent {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    private final String url;
    private final String token;

    public ConsulAgent(String url) {
        this(url, null);
    }

    /** An agent client sending {@code token} as {@code X-Consul-Token} (Consul with ACLs on). */
    public ConsulAgent(String url, String token) {
        this.url = url;
        this.token = token;
    }

    /** Registers an instance on 127.0.0.1 with a TTL check {@code <id>-ttl} that starts passing. */
    public void register(String id, String name, int port, String metaJson) throws Exception {
        put("/v1/agent/service/register", """
                {"ID": "%s", "Name": "%s", "Address": "127.0.0.1", "Port": %d, "Meta": %s,
                 "Check": {"CheckID": "%s-ttl", "TTL": "10m", "Status": "passing"}}""".formatted(id, name, port, metaJson,
                id));
    }

    public void pass(String id) throws Exception {
        put("/v1/agent/check/pass/" + id + "-ttl", "");
    }

    public void fail(String id) throws Exception {
        put("/v1/agent/check/fail/" + id + "-ttl", "");
    }

    public void deregister(String id) throws Exception {
        put("/v1/agent/service/deregister/" + id, "");
    }

    private void put(String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path))
                .timeout(Duration.ofSeconds(5)).PUT(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("X-Consul-Token", token);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("PUT " + path + " answered " + response.statusCode() + ": " + response.body());
        }
    }
}
