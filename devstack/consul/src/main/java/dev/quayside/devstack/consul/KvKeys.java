package dev.quayside.devstack.consul;

/**
 * The KV endpoint's key handling of current Consul (1.21.6+, 1.22.x; {@code agent/kvs_endpoint.go}, hashicorp/consul
 * #22850 which replaced 1.21.5's strict key pattern of #22682): the key after {@code /v1/kv/} is cleaned like Go's
 * {@code path.Clean}, keeping a trailing slash, then refused only for path traversal ({@code ..} segments, also once
 * more URL-decoded), a leading {@code /} and leading or trailing spaces ({@code validateKVKey}); Consul's
 * {@code disable_kv_key_validation} turns the refusal off. Any other character is a valid key.
 */
final class KvKeys {

    static final String TRAVERSAL = "invalid key name, path traversal is not allowed";
    static final String SPACES = "invalid key name, leading/trailing spaces are not allowed";
    static final String LEADING_SLASH = "invalid key name, must not begin with '/'";

    private KvKeys() {
    }

    /** Consul's key: {@code path.Clean(raw)}, with a trailing slash kept; the empty key stays empty. */
    static String clean(String raw) {
        if (raw.isEmpty()) {
            return raw;
        }
        String cleaned = goPathClean(raw);
        return raw.endsWith("/") && !cleaned.endsWith("/") ? cleaned + "/" : cleaned;
    }

    /** Consul's {@code validateKVKey}: the error text Consul answers (HTTP 500), or null for a valid key. */
    static String invalid(String key) {
        if (key.startsWith("/")) {
            return LEADING_SLASH;
        }
        if (key.startsWith(" ") || key.endsWith(" ")) {
            return SPACES;
        }
        for (String part : key.split("/", -1)) {
            if (part.equals("..")) {
                return TRAVERSAL;
            }
        }
        String decoded;
        try {
            decoded = Paths.decode(key); // Go's url.PathUnescape; a key that does not decode is checked as it is
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (!decoded.equals(key)) {
            if (decoded.contains("..")) {
                return TRAVERSAL;
            }
            if (decoded.contains(" ")) {
                return SPACES;
            }
        }
        return null;
    }

    /** Go's {@code path.Clean}: "." and ".." resolved lexically, slashes collapsed; ".." kept where nothing is above. */
    static String goPathClean(String path) {
        boolean rooted = path.startsWith("/");
        java.util.ArrayDeque<String> out = new java.util.ArrayDeque<>();
        for (String element : path.split("/")) {
            if (element.isEmpty() || element.equals(".")) {
                continue;
            }
            if (element.equals("..")) {
                if (!out.isEmpty() && !out.peekLast().equals("..")) {
                    out.pollLast();
                } else if (!rooted) {
                    out.addLast("..");
                }
                continue;
            }
            out.addLast(element);
        }
        String joined = String.join("/", out);
        if (rooted) {
            return "/" + joined;
        }
        return joined.isEmpty() ? "." : joined;
    }
}
