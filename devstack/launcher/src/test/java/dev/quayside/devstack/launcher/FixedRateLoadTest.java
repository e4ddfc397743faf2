package dev.quayside.devstack.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fixed-rate load against a real HTTP server on 127.0.0.1 (the JDK's): it counts answers by status, and socket
 * errors where nothing listens; after {@code close()} every request sent has exactly one sample, and no more requests
 * were sent than the rate allows.
 */
class FixedRateLoadTest {

    private HttpServer server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void countsAnswersByStatusAndEveryRequestOnce() throws Exception {
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger busy = new AtomicInteger();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/version", exchange -> {
            if ((ok.get() + busy.get() + 1) % 3 == 0) { // the handler runs on the server's one thread
                busy.incrementAndGet();
                answer(exchange, 503, "busy\n");
            } else {
                ok.incrementAndGet();
                answer(exchange, 200, "1.0.0\n");
            }
        });
        server.start();
        int rate = 50;

        long start = System.nanoTime();
        FixedRateLoad load = FixedRateLoad.start(uri(server.getAddress().getPort()), rate);
        await().atMost(Duration.ofSeconds(30)).until(() -> busy.get() >= 3);
        load.close();
        double seconds = (System.nanoTime() - start) / 1e9;

        List<FixedRateLoad.Sample> samples = load.samples();
        assertThat(samples).as("one sample per request sent").hasSize(load.sent());
        assertThat(samples.stream().filter(s -> s.status() == 200)).hasSize(ok.get())
                .allSatisfy(s -> assertThat(s.describe()).isEqualTo("1.0.0"))
                .noneMatch(FixedRateLoad.Sample::failed);
        assertThat(samples.stream().filter(s -> s.status() == 503)).hasSize(busy.get())
                .allSatisfy(s -> assertThat(s.describe()).isEqualTo("HTTP 503: busy"))
                .allMatch(FixedRateLoad.Sample::failed);
        assertThat(ok.get() + busy.get()).as("answered == received by the server == sent").isEqualTo(load.sent());
        assertThat(load.sent()).as("no more than the rate allows").isLessThanOrEqualTo((int) (rate * seconds) + 1);

        int after = load.sent();
        load.close(); // a second close changes nothing
        assertThat(load.sent()).as("nothing sent after close").isEqualTo(after);
    }

    @Test
    void countsSocketErrorsWhenNothingListens() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        } // the port is free again: connections refused
        int rate = 100;

        long start = System.nanoTime();
        FixedRateLoad load = FixedRateLoad.start(uri(port), rate);
        await().atMost(Duration.ofSeconds(30)).until(() -> load.samples().size() >= 5);
        load.close();
        double seconds = (System.nanoTime() - start) / 1e9;

        List<FixedRateLoad.Sample> samples = load.samples();
        assertThat(samples).as("one sample per request sent").hasSize(load.sent())
                .allMatch(s -> s.failed() && s.status() == 0 && s.body() == null)
                .allSatisfy(s -> assertThat(s.error()).isEqualTo("ConnectException"))
                .allSatisfy(s -> assertThat(s.describe()).startsWith("ConnectException: "));
        assertThat(load.sent()).as("no more than the rate allows").isLessThanOrEqualTo((int) (rate * seconds) + 1);
    }

    @Test
    void aRateOutsideOneToAThousandIsRefused() {
        URI uri = URI.create("http://127.0.0.1:1/version");
        assertThatThrownBy(() -> FixedRateLoad.start(uri, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not 0");
        assertThatThrownBy(() -> FixedRateLoad.start(uri, 1001)).isInstanceOf(IllegalArgumentException.class);
    }

    private static URI uri(int port) {
        return URI.create("http://127.0.0.1:" + port + "/version");
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
