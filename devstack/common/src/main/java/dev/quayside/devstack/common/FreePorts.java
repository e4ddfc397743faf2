package dev.quayside.devstack.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

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
}
