package dev.quayside.devstack.consul;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Injected failures: the (skip+1)-th to (skip+count)-th requests matching a method and path prefix get a status. */
final class Faults {

    private static final class Rule {
        final String method;
        final String pathPrefix;
        final int status;
        final int skip;
        final int count;
        int seen;

        Rule(String method, String pathPrefix, int skip, int count, int status) {
            this.method = method;
            this.pathPrefix = pathPrefix;
            this.skip = skip;
            this.count = count;
            this.status = status;
        }
    }

    private final List<Rule> rules = new CopyOnWriteArrayList<>();

    void add(String method, String pathPrefix, int skip, int count, int status) {
        if (skip < 0 || count < 0) {
            throw new IllegalArgumentException("skip and count must not be negative");
        }
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("not an HTTP status: " + status);
        }
        rules.add(new Rule(method == null ? "*" : method, pathPrefix == null ? "/" : pathPrefix, skip, count, status));
    }

    void clear() {
        rules.clear();
    }

    /** The status to answer instead of serving the request, or 0 to serve it. */
    int statusFor(String method, String path) {
        for (Rule rule : rules) {
            if ((rule.method.equals("*") || rule.method.equalsIgnoreCase(method)) && path.startsWith(rule.pathPrefix)) {
                synchronized (rule) {
                    int n = ++rule.seen;
                    if (n > rule.skip && n <= rule.skip + rule.count) {
                        return rule.status;
                    }
                }
            }
        }
        return 0;
    }
}
