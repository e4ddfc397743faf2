package dev.quayside.devstack.consul;

import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Deque;
import java.util.ArrayDeque;
import java.util.List;
import java.util.TreeMap;

/** URL paths as Go's {@code net/http} sees them: percent-decoded ('+' stays '+') and cleaned by {@code ServeMux}. */
final class Paths {

    private static final String DECODED = "consul.decodedPath";

    private Paths() {
    }

    static String decodedPath(RoutingContext ctx) {
        String decoded = ctx.get(DECODED);
        if (decoded == null) {
            decoded = decode(ctx.request().path());
            ctx.put(DECODED, decoded);
        }
        return decoded;
    }

    /** Percent-decodes a path; throws IllegalArgumentException on a malformed escape (Go answers 400). */
    static String decode(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw new IllegalArgumentException("invalid URL escape \"" + raw.substring(i) + "\"");
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("invalid URL escape \"" + raw.substring(i, i + 3) + "\"");
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(bytes, 0, bytes.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * Go's {@code http.ServeMux} {@code cleanPath}: resolves "." and ".." segments and collapses repeated slashes,
     * keeping a trailing slash. A request whose path is not clean is redirected (301) to the clean one.
     */
    static String clean(String path) {
        if (path.isEmpty()) {
            return "/";
        }
        if (path.charAt(0) != '/') {
            path = "/" + path;
        }
        Deque<String> segments = new ArrayDeque<>();
        for (String segment : path.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                segments.pollLast();
            } else {
                segments.addLast(segment);
            }
        }
        StringBuilder out = new StringBuilder();
        for (String segment : segments) {
            out.append('/').append(segment);
        }
        if (out.length() == 0) {
            return "/";
        }
        if (path.endsWith("/") && !path.equals("/")) {
            out.append('/');
        }
        return out.toString();
    }

    /** Go's {@code url.Values.Encode}: keys sorted, values escaped. */
    static String encodeQuery(MultiMap params) {
        TreeMap<String, List<String>> sorted = new TreeMap<>();
        for (String name : params.names()) {
            sorted.put(name, new ArrayList<>(params.getAll(name)));
        }
        StringBuilder out = new StringBuilder();
        sorted.forEach((name, values) -> {
            for (String value : values) {
                if (out.length() > 0) {
                    out.append('&');
                }
                out.append(URLEncoder.encode(name, StandardCharsets.UTF_8)).append('=')
                        .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        });
        return out.toString();
    }
}
