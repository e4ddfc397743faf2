package dev.quayside.devstack.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * A TCP proxy on 127.0.0.1 in front of one dependency (a TCP port or a Unix socket such as the Docker engine's), that
 * can make the dependency unavailable and bring it back: {@link #cut()} closes the listening socket and every open
 * connection (clients see their connections reset and new ones refused, as when the process is stopped);
 * {@link #heal()} listens on the same port again. The dependency itself is never touched — this is how the chaos
 * harness takes away the Consul and Marathon stand-ins, the registry and the machine's own Docker engine for a while
 * without stopping them.
 */
public final class FaultProxy implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(FaultProxy.class.getName());

    private final String name;
    private final SocketAddress target;
    private final int port;
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();
    private final ExecutorService threads;
    private ServerSocketChannel server;
    private Future<?> acceptLoop;
    private boolean closed;

    private FaultProxy(String name, SocketAddress target, ServerSocketChannel server) throws IOException {
        this.name = name;
        this.target = target;
        this.server = server;
        this.port = ((InetSocketAddress) server.getLocalAddress()).getPort();
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "fault-proxy-" + name);
            thread.setDaemon(true);
            return thread;
        });
        this.acceptLoop = threads.submit(() -> accept(server));
    }

    /** A proxy on a free 127.0.0.1 port to {@code 127.0.0.1:targetPort}. */
    public static FaultProxy toPort(String name, int targetPort) {
        return start(name, new InetSocketAddress("127.0.0.1", targetPort));
    }

    /** A proxy on a free 127.0.0.1 port to the Unix socket {@code socket} (e.g. {@code /var/run/docker.sock}). */
    public static FaultProxy toUnixSocket(String name, java.nio.file.Path socket) {
        return start(name, UnixDomainSocketAddress.of(socket));
    }

    private static FaultProxy start(String name, SocketAddress target) {
        try {
            return new FaultProxy(name, target, bind(0));
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the " + name + " proxy", e);
        }
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:<port>}. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    /** Connections accepted since start. */
    public int connections() {
        return connections.get();
    }

    public synchronized boolean isCut() {
        return server == null;
    }

    /**
     * Makes the dependency unavailable: no listener any more, every open connection closed. Returns once nothing more
     * can be accepted (the accepting thread has left {@code accept}); that wait holds no lock, so a connection being
     * set up meanwhile is dropped at once instead of waiting on the proxy.
     */
    public void cut() {
        Future<?> loop;
        boolean wasListening;
        synchronized (this) {
            wasListening = server != null;
            if (wasListening) {
                closeQuietly(server);
                server = null; // from here connect() refuses whatever the accepting thread still hands it
                for (SocketChannel channel : open) {
                    closeQuietly(channel);
                }
                open.clear();
            }
            loop = acceptLoop;
        }
        awaitAcceptLoopEnd(loop);
        if (wasListening) {
            LOG.info(() -> name + " proxy on " + address() + " cut");
        }
    }

    /** Listens again on the same port. */
    public synchronized void heal() {
        if (closed) {
            throw new IllegalStateException(name + " proxy is closed");
        }
        if (server != null) {
            return;
        }
        IOException last = null;
        for (int attempt = 0; attempt < 50; attempt++) {
            try {
                server = bind(port);
                ServerSocketChannel listening = server;
                acceptLoop = threads.submit(() -> accept(listening));
                LOG.info(() -> name + " proxy on " + address() + " healed");
                return;
            } catch (IOException e) {
                last = e; // the port lingers a moment after close on some kernels
                Pause.millis(100);
            }
        }
        throw new UncheckedIOException("could not listen on " + address() + " again for the " + name + " proxy", last);
    }

    /**
     * Waits until the accepting thread has left {@code accept}: a listening socket closed while a thread is blocked in
     * {@code accept} keeps listening until that thread wakes up, so without the wait a connection made right after
     * {@link #cut()} could still be accepted (CI saw one).
     */
    private void awaitAcceptLoopEnd(Future<?> loop) {
        try {
            loop.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warning(() -> name + " proxy's accepting thread did not end after the cut: " + e);
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true; // no heal() from here on
        }
        cut();
        threads.shutdownNow();
    }

    private static ServerSocketChannel bind(int port) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        server.bind(new InetSocketAddress("127.0.0.1", port), 128);
        return server;
    }

    private void accept(ServerSocketChannel listening) {
        while (listening.isOpen()) {
            SocketChannel client;
            try {
                client = listening.accept();
            } catch (IOException e) {
                return; // cut or closed
            }
            connections.incrementAndGet();
            threads.submit(() -> connect(listening, client));
        }
    }

    private void connect(ServerSocketChannel listening, SocketChannel client) {
        SocketChannel upstream = null;
        try {
            upstream = target instanceof UnixDomainSocketAddress ? SocketChannel.open(StandardProtocolFamily.UNIX)
                    : SocketChannel.open();
            upstream.connect(target);
            synchronized (this) {
                if (server != listening) { // cut while connecting
                    throw new ClosedChannelException();
                }
                open.add(client);
                open.add(upstream);
            }
            SocketChannel up = upstream;
            AtomicInteger ended = new AtomicInteger();
            threads.submit(() -> pump(up, client, ended));
            pump(client, upstream, ended);
        } catch (IOException e) {
            closeQuietly(client);
            if (upstream != null) {
                closeQuietly(upstream);
            }
        }
    }

    /**
     * Copies {@code from} to {@code to} until {@code from} ends, then half-closes {@code to} (an HTTP client may close
     * its side and still read the answer); the second direction to end closes both.
     */
    private void pump(SocketChannel from, SocketChannel to, AtomicInteger ended) {
        ByteBuffer buffer = ByteBuffer.allocate(32 * 1024);
        try {
            while (from.read(buffer) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    to.write(buffer);
                }
                buffer.clear();
            }
            to.shutdownOutput();
            if (ended.incrementAndGet() == 2) {
                close(from, to);
            }
        } catch (IOException | RuntimeException e) {
            close(from, to);
        }
    }

    private void close(SocketChannel a, SocketChannel b) {
        closeQuietly(a);
        closeQuietly(b);
        open.remove(a);
        open.remove(b);
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

}
