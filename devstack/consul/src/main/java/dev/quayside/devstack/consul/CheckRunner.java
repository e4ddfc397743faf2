package dev.quayside.devstack.consul;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The agent's check runner: HTTP and TCP checks really run (loopback targets only), TTL checks expire, and a
 * reaper deregisters services whose check stayed critical for {@code DeregisterCriticalServiceAfter}.
 */
final class CheckRunner {

    private static final long DEFAULT_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final int MAX_OUTPUT = 4 * 1024;
    private static final long REAPER_MILLIS = 250;

    private final Vertx vertx;
    private final ConsulState state;
    private final HttpClient http;
    private final NetClient tcp;
    private final Map<String, Long> timers = new ConcurrentHashMap<>();
    private final long reaperTimer;

    CheckRunner(Vertx vertx, ConsulState state) {
        this.vertx = vertx;
        this.state = state;
        this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
        this.tcp = vertx.createNetClient(new NetClientOptions());
        this.reaperTimer = vertx.setPeriodic(REAPER_MILLIS, id -> reap());
    }

    /** Starts running a just-registered check (replacing any earlier schedule of the same id). */
    void schedule(HealthCheck check) {
        unschedule(check.checkId);
        String id = check.checkId;
        switch (check.type) {
            case "http":
            case "tcp": {
                String target = check.type.equals("http") ? hostOf(check.http) : hostOfAddress(check.tcp);
                if (target == null || !isLoopback(target)) {
                    update(id, HealthCheck.CRITICAL, "The Consul stand-in runs HTTP and TCP checks only against "
                            + "loopback addresses; " + (target == null ? "the target" : "\"" + target + "\"")
                            + " is not one, so this check stays critical.");
                    return;
                }
                long interval = Math.max(1, TimeUnit.NANOSECONDS.toMillis(check.intervalNanos));
                timers.put(id, vertx.setPeriodic(1, interval, t -> run(id)));
                break;
            }
            case "ttl":
                state.read(() -> {
                    HealthCheck current = state.catalog.check(id);
                    if (current != null && current.ttlDeadlineMillis == 0) {
                        current.ttlDeadlineMillis = now() + TimeUnit.NANOSECONDS.toMillis(current.ttlNanos);
                    }
                    return null;
                });
                break;
            case "maintenance":
                // set and cleared through /v1/agent/service/maintenance only
                break;
            default:
                update(id, HealthCheck.CRITICAL, "The Consul stand-in does not run " + check.type
                        + " checks; only HTTP, TCP and TTL checks are supported, so this check stays critical.");
        }
    }

    void unschedule(String checkId) {
        Long timer = timers.remove(checkId);
        if (timer != null) {
            vertx.cancelTimer(timer);
        }
    }

    void close() {
        vertx.cancelTimer(reaperTimer);
        timers.values().forEach(vertx::cancelTimer);
        timers.clear();
        http.close();
        tcp.close();
    }

    private void run(String id) {
        HealthCheck check = state.read(() -> state.catalog.check(id));
        if (check == null) {
            unschedule(id);
            return;
        }
        long timeoutMillis = TimeUnit.NANOSECONDS.toMillis(check.timeoutNanos > 0 ? check.timeoutNanos
                : DEFAULT_TIMEOUT_NANOS);
        if (check.type.equals("http")) {
            try {
                runHttp(check, timeoutMillis);
            } catch (RuntimeException e) {
                update(id, HealthCheck.CRITICAL, "HTTP check " + check.http + " could not be sent: " + e.getMessage());
            }
        } else {
            runTcp(check, timeoutMillis);
        }
    }

    private void runHttp(HealthCheck check, long timeoutMillis) {
        String method = check.method == null ? "GET" : check.method;
        RequestOptions options = new RequestOptions().setAbsoluteURI(check.http).setMethod(HttpMethod.valueOf(method))
                .setTimeout(timeoutMillis).putHeader("User-Agent", "Consul Health Check")
                .putHeader("Accept", "text/plain, text/*, */*");
        if (check.header != null) {
            check.header.forEach((name, values) -> values.forEach(v -> options.addHeader(name, v)));
        }
        Buffer body = check.body == null ? Buffer.buffer() : Buffer.buffer(check.body);
        http.request(options)
                .compose(request -> request.send(body))
                .compose(response -> response.body().map(b -> {
                    int code = response.statusCode();
                    String text = b.toString();
                    if (text.length() > MAX_OUTPUT) {
                        text = text.substring(0, MAX_OUTPUT);
                    }
                    String output = "HTTP " + method + " " + check.http + ": " + code + " "
                            + response.statusMessage() + " Output: " + text;
                    String status = code >= 200 && code <= 299 ? HealthCheck.PASSING
                            : code == 429 ? HealthCheck.WARNING : HealthCheck.CRITICAL;
                    return new String[] {status, output};
                }))
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        update(check.checkId, ar.result()[0], ar.result()[1]);
                    } else {
                        update(check.checkId, HealthCheck.CRITICAL, method.charAt(0)
                                + method.substring(1).toLowerCase(java.util.Locale.ROOT) + " \"" + check.http + "\": "
                                + ar.cause().getMessage());
                    }
                });
    }

    private void runTcp(HealthCheck check, long timeoutMillis) {
        String address = check.tcp;
        int colon = address.lastIndexOf(':');
        String host = hostOfAddress(address);
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (RuntimeException e) {
            update(check.checkId, HealthCheck.CRITICAL, "dial tcp " + address + ": address " + address
                    + ": missing port in address");
            return;
        }
        NetClient client = vertx.createNetClient(new NetClientOptions().setConnectTimeout((int) timeoutMillis));
        client.connect(port, host).onComplete(ar -> {
            if (ar.succeeded()) {
                ar.result().close();
                update(check.checkId, HealthCheck.PASSING, "TCP connect " + address + ": Success");
            } else {
                update(check.checkId, HealthCheck.CRITICAL, "dial tcp " + address + ": " + ar.cause().getMessage());
            }
            client.close();
        });
    }

    /** Called by {@code /v1/agent/check/pass|warn|fail|update}: a TTL check's heartbeat. */
    void ttlUpdate(HealthCheck check) {
        if (check.ttlNanos > 0) {
            check.ttlDeadlineMillis = now() + TimeUnit.NANOSECONDS.toMillis(check.ttlNanos);
        }
    }

    void update(String id, String status, String output) {
        state.writeCatalog(index -> state.catalog.updateCheck(index, id, status, output));
    }

    private void reap() {
        long now = now();
        List<String> expired = new ArrayList<>();
        List<String> doomed = new ArrayList<>();
        state.read(() -> {
            for (HealthCheck check : state.catalog.checks()) {
                if (check.type.equals("ttl") && check.ttlDeadlineMillis > 0 && now >= check.ttlDeadlineMillis
                        && !check.status.equals(HealthCheck.CRITICAL)) {
                    expired.add(check.checkId);
                }
                if (!check.status.equals(HealthCheck.CRITICAL)) {
                    check.criticalSinceMillis = 0;
                } else if (check.criticalSinceMillis == 0) {
                    check.criticalSinceMillis = now;
                } else if (check.deregisterAfterNanos > 0 && !check.serviceId.isEmpty()
                        && now - check.criticalSinceMillis >= TimeUnit.NANOSECONDS.toMillis(
                                check.deregisterAfterNanos)) {
                    doomed.add(check.serviceId);
                }
            }
            return null;
        });
        for (String id : expired) {
            HealthCheck check = state.read(() -> state.catalog.check(id));
            String last = check == null ? "" : check.output;
            update(id, HealthCheck.CRITICAL, "TTL expired (last output before timeout follows): " + last);
        }
        for (String serviceId : doomed) {
            List<String> checkIds = new ArrayList<>();
            state.writeCatalog(index -> {
                state.catalog.checks().stream().filter(c -> c.serviceId.equals(serviceId))
                        .forEach(c -> checkIds.add(c.checkId));
                return state.catalog.deregister(index, serviceId);
            });
            checkIds.forEach(this::unschedule);
        }
    }

    private static long now() {
        return System.currentTimeMillis();
    }

    private static String hostOf(String url) {
        try {
            return URI.create(url).getHost();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String hostOfAddress(String address) {
        if (address.startsWith("[")) {
            int end = address.indexOf(']');
            return end < 0 ? address : address.substring(1, end);
        }
        int colon = address.lastIndexOf(':');
        return colon < 0 ? address : address.substring(0, colon);
    }

    /** Loopback names and literals only; other host names are not resolved. */
    static boolean isLoopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        boolean literal = h.matches("[0-9.]+") || h.contains(":");
        if (!literal) {
            return false;
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
