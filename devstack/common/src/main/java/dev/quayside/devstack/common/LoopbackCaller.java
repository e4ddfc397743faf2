package dev.quayside.devstack.common;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 request sent from a chosen loopback address ({@code 127.0.0.2}, {@code 127.0.0.3}, …) to a server on
 * {@code 127.0.0.1}: so that a test can be several callers, as per-caller limits see them. Linux routes all of
 * {@code 127.0.0.0/8} to the loopback interface, so binding the client socket to such an address needs no set-up.
 */
public final class LoopbackCaller {

    /** The answer: status, headers (names lower-cased) and body. */
    public record Answer(int status, Map<String, String> headers, String body) {

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final String from;

    private LoopbackCaller(String from) {
        this.from = from;
    }

    /** A caller whose requests come from {@code address} (one of {@code 127.0.0.0/8}). */
    public static LoopbackCaller from(String address) {
        if (!address.startsWith("127.")) {
            throw new IllegalArgumentException("not a loopback address: " + address);
        }
        return new LoopbackCaller(address);
    }

    /** Sends {@code method path} to {@code 127.0.0.1:port} with {@code headers} and {@code body}, and reads the answer. */
    public Answer send(int port, String method, String path, Map<String, String> headers, byte[] body) {
        try (Socket socket = new Socket()) {
            socket.setSoTimeout(30_000);
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nConnection: close\r\nContent-Length: " + body.length + "\r\n");
            headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            OutputStream out = socket.getOutputStream();
            out.write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            return parse(socket.getInputStream().readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("request from " + from + " to 127.0.0.1:" + port + " failed", e);
        }
    }

    private static Answer parse(byte[] raw) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        String[] lines = (end < 0 ? text : text.substring(0, end)).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
        }
        String body = end < 0 ? "" : new String(raw, end + 4, raw.length - end - 4, StandardCharsets.UTF_8);
        return new Answer(status, headers, body);
    }
}
