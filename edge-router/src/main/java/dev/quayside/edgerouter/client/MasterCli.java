package dev.quayside.edgerouter.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** HAProxy's master CLI on its UNIX socket ({@code -S}): one command per connection, answer read to EOF. */
final class MasterCli {

    private static final ExecutorService IO = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "haproxy-master-cli");
        t.setDaemon(true);
        return t;
    });

    private final Path socket;

    MasterCli(Path socket) {
        this.socket = socket;
    }

    /** Sends {@code command} and returns the answer; the master closes the connection once it has answered. */
    String send(String command, Duration timeout) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        Future<String> answer = IO.submit(() -> {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
            channel.shutdownOutput();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            while (channel.read(buffer) >= 0) {
                buffer.flip();
                out.write(buffer.array(), 0, buffer.limit());
                buffer.clear();
            }
            return out.toString(StandardCharsets.UTF_8);
        });
        try {
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IOException("HAProxy master CLI " + socket + " did not answer '" + command + "' within " + timeout);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new IOException("HAProxy master CLI " + socket + " failed on '" + command + "': " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while talking to " + socket, e);
        } finally {
            answer.cancel(true);
            channel.close();
        }
    }
}
