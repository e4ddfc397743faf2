package dev.quayside.registrator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP front for the Docker engine's Unix socket on 127.0.0.1: what a registrator under test talks to, so a test can
 * cut it off as a daemon restart would ({@link #stop}: every connection closed, nothing listening) and bring it back on
 * the same port ({@link #start}) without touching the machine's dockerd.
 */
public final class DockerSocketProxy implements AutoCloseable {

    private final Path socket;
    private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();
    private volatile ServerSocket server;
    private volatile int port;

    public DockerSocketProxy(Path socket) {
        this.socket = socket;
    }

    /** Listens (again) on 127.0.0.1, on the same port as before when there was one. */
    public synchronized DockerSocketProxy start() throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        port = s.getLocalPort();
        server = s;
        Thread acceptor = new Thread(() -> accept(s), "docker-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        return this;
    }

    /** {@code tcp://127.0.0.1:<port>}. */
    public String dockerHost() {
        return "tcp://127.0.0.1:" + port;
    }

    /** Closes every connection and stops listening. */
    public synchronized void stop() {
        closeQuietly(server);
        for (AutoCloseable c : open) {
            closeQuietly(c);
        }
        open.clear();
    }

    @Override
    public void close() {
        stop();
    }

    private void accept(ServerSocket s) {
        while (!s.isClosed()) {
            try {
                Socket client = s.accept();
                SocketChannel engine = SocketChannel.open(UnixDomainSocketAddress.of(socket));
                open.add(client);
                open.add(engine);
                InputStream fromClient = client.getInputStream();
                OutputStream toClient = client.getOutputStream();
                // the channel itself, not Channels streams: those share one lock, so reads would block writes
                pump(() -> {
                    byte[] buffer = new byte[16384];
                    int n;
                    while ((n = fromClient.read(buffer)) >= 0) {
                        ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, n);
                        while (bytes.hasRemaining()) {
                            engine.write(bytes);
                        }
                    }
                }, client, engine);
                pump(() -> {
                    ByteBuffer buffer = ByteBuffer.allocate(16384);
                    while (engine.read(buffer) >= 0) {
                        toClient.write(buffer.array(), 0, buffer.position());
                        toClient.flush();
                        buffer.clear();
                    }
                }, client, engine);
            } catch (IOException e) {
                return;
            }
        }
    }

    private interface Copy {
        void run() throws IOException;
    }

    private void pump(Copy copy, AutoCloseable a, AutoCloseable b) {
        Thread thread = new Thread(() -> {
            try {
                copy.run();
            } catch (IOException e) {
                // connection cut
            } finally {
                closeQuietly(a);
                closeQuietly(b);
            }
        }, "docker-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                // closing anyway
            }
        }
    }
}
