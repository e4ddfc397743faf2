package dev.quayside.edgerouter.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback server that accepts a connection, reads the request and closes the connection without an answer: a
 * server that crashed while handling it (HAProxy's "empty response").
 */
public final class Silent implements AutoCloseable {

    private final ServerSocket socket;
    private final AtomicInteger requests = new AtomicInteger();
    private final Thread thread;

    private Silent() throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        thread = new Thread(() -> {
            while (!socket.isClosed()) {
                try (Socket connection = socket.accept()) {
                    connection.setSoTimeout(2000);
                    if (connection.getInputStream().read(new byte[4096]) > 0) {
                        requests.incrementAndGet();
                    }
                } catch (IOException e) {
                    // closed, or a client (a health check) that sent nothing
                }
            }
        }, "silent-backend");
        thread.setDaemon(true);
        thread.start();
    }

    public static Silent start() throws IOException {
        return new Silent();
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** Requests received (and left without an answer). */
    public int requests() {
        return requests.get();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
