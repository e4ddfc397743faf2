package dev.quayside.devstack.launcher.chaos;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Signed-webhook receivers on 127.0.0.1, one path per notifier channel, that record the event id of every message
 * ({@code X-Quayside-Delivery}) as it arrives — repeats included, so the checker can count a message sent twice.
 */
public final class NotificationReceiver implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, List<String>> received = new LinkedHashMap<>();
    private volatile Instant last = Instant.EPOCH;

    public NotificationReceiver(List<String> channels) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String channel : channels) {
            received.put(channel, new ArrayList<>());
            server.createContext("/" + channel, exchange -> {
                exchange.getRequestBody().readAllBytes();
                String delivery = exchange.getRequestHeaders().getFirst("X-Quayside-Delivery");
                synchronized (received) {
                    received.get(channel).add(delivery == null ? "(no delivery id)" : delivery);
                }
                last = Instant.now();
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
        }
        server.start();
    }

    /** The URL of {@code channel}'s receiver. */
    public String url(String channel) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + channel;
    }

    /** The notifier's configuration for webhook channels to these receivers, all sent every deployment and build end. */
    public Map<String, String> notifierProperties(String secret) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (String channel : received.keySet()) {
            properties.put("notifier:quayside.notifier.channels." + channel + ".type", "webhook");
            properties.put("notifier:quayside.notifier.channels." + channel + ".url", url(channel));
            properties.put("notifier:quayside.notifier.channels." + channel + ".secret", secret);
        }
        properties.put("notifier:quayside.notifier.rules.everything.types",
                "build-finished,service-deployed,service-upgraded,deployment-failed,service-rolled-back");
        properties.put("notifier:quayside.notifier.rules.everything.channels", String.join(",", received.keySet()));
        return properties;
    }

    /** Per channel, the event id of every message received, in order. */
    public Map<String, List<String>> received() {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        synchronized (received) {
            received.forEach((channel, ids) -> copy.put(channel, List.copyOf(ids)));
        }
        return copy;
    }

    /** When the last message arrived ({@link Instant#EPOCH} before the first). */
    public Instant last() {
        return last;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
