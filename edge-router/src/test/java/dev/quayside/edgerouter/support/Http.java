package dev.quayside.edgerouter.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A minimal HTTP/1.0 client on a fresh connection per request (no keep-alive, no retries), so that a connection
 * refused or reset during a reload shows as a failure instead of being retried away.
 */
public final class Http {

    private Http() {
    }

    /** A response: status code and body. */
    public record Response(int status, String body) {
    }

    public static Response get(int port, String host, String path) throws IOException {
        return request(port, "GET", host, path);
    }

    /** One request with {@code method} (a POST carries a short body). */
    public static Response request(int port, String method, String host, String path) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            String body = "POST".equals(method) ? "x=1" : "";
            out.write((method + " " + path + " HTTP/1.0\r\nHost: " + host + "\r\n"
                    + (body.isEmpty() ? "" : "Content-Length: " + body.length() + "\r\n") + "\r\n" + body)
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            if (!text.startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP response: '" + text + "'");
            }
            int status = Integer.parseInt(text.substring(9, 12));
            int bodyStart = text.indexOf("\r\n\r\n");
            return new Response(status, bodyStart < 0 ? "" : text.substring(bodyStart + 4));
        }
    }
}
