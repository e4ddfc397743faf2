package dev.quayside.devstack.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chaos harness's outage proxy, with real sockets: it forwards, cuts (refused and dropped) and heals on its port. */
class FaultProxyTest {

    @TempDir
    Path dir;

    ServerSocket echo;
    Thread echoThread;

    @AfterEach
    void stopEcho() throws IOException {
        if (echo != null) {
            echo.close();
        }
    }

    @Test
    void forwardsCutsAndHealsOnTheSamePort() throws Exception {
        int target = startEcho();
        try (FaultProxy proxy = FaultProxy.toPort("echo", target)) {
            Socket open = new Socket("127.0.0.1", proxy.port());
            assertThat(roundTrip(open, "before")).isEqualTo("before");

            proxy.cut();

            assertThat(proxy.isCut()).isTrue();
            assertThat(open.getInputStream().read()).as("the open connection is dropped").isEqualTo(-1);
            assertThatThrownBy(() -> new Socket("127.0.0.1", proxy.port())).isInstanceOf(ConnectException.class);

            proxy.heal();

            try (Socket again = new Socket("127.0.0.1", proxy.port())) {
                assertThat(roundTrip(again, "after")).isEqualTo("after");
            }
            assertThat(proxy.connections()).isEqualTo(2);
            open.close();
        }
    }

    @Test
    void forwardsToAUnixSocketLikeTheDockerEngines() throws Exception {
        Path socket = dir.resolve("engine.sock");
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread engine = new Thread(() -> {
            try (SocketChannel client = server.accept()) {
                ByteBuffer buffer = ByteBuffer.allocate(64);
                client.read(buffer);
                buffer.flip();
                client.write(ByteBuffer.wrap(("pong:" + StandardCharsets.UTF_8.decode(buffer)).getBytes(StandardCharsets.UTF_8)));
            } catch (IOException e) {
                // the test fails on the missing answer
            }
        });
        engine.start();
        try (FaultProxy proxy = FaultProxy.toUnixSocket("docker", socket);
                Socket client = new Socket("127.0.0.1", proxy.port())) {
            client.getOutputStream().write("ping\n".getBytes(StandardCharsets.UTF_8));
            client.shutdownOutput();
            assertThat(new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("pong:ping\n");
        } finally {
            server.close();
            engine.join(5000);
        }
    }

    private int startEcho() throws IOException {
        echo = new ServerSocket();
        echo.bind(new InetSocketAddress("127.0.0.1", 0));
        echoThread = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket client = echo.accept();
                    new Thread(() -> {
                        try (client; InputStream in = client.getInputStream(); OutputStream out = client.getOutputStream()) {
                            in.transferTo(out);
                        } catch (IOException e) {
                            // connection dropped
                        }
                    }).start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        echoThread.setDaemon(true);
        echoThread.start();
        return echo.getLocalPort();
    }

    private static String roundTrip(Socket socket, String text) throws IOException {
        socket.getOutputStream().write((text + "\n").getBytes(StandardCharsets.UTF_8));
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = socket.getInputStream().read()) >= 0 && c != '\n') {
            line.append((char) c);
        }
        return line.toString();
    }
}
