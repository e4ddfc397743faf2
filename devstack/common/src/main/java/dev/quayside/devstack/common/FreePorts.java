package dev.quayside.devstack.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Free TCP ports on 127.0.0.1, taken from the operating system (port 0), never guessed. The port is free when this
 * returns; whoever binds it next wins, so bind it soon (the devstack parts and the launcher do so at once).
 */
public final class FreePorts {

    private FreePorts() {
    }

    /** A TCP port on 127.0.0.1 that nothing listens on now. */
    public static int pick() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free TCP port on 127.0.0.1: " + e.getMessage(), e);
        }
    }

    /**
     * {@code count} different free ports, none of them in {@code excluded}: each is held open until all are chosen,
     * so the operating system cannot hand one out twice (one {@link #pick()} after another can return the same port
     * when nothing has bound it in between).
     */
    public static List<Integer> pick(int count, Collection<Integer> excluded) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            List<Integer> ports = new ArrayList<>();
            while (ports.size() < count) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(socket);
                if (!excluded.contains(socket.getLocalPort())) {
                    ports.add(socket.getLocalPort());
                }
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("No free TCP port on 127.0.0.1: " + e.getMessage(), e);
        } finally {
            for (ServerSocket socket : held) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // closing a listening socket that accepted nothing
                }
            }
        }
    }
}
