package dev.quayside.kit.security;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.vertx.core.net.SocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A budget of requests per caller (its address): {@code permits} per {@code period}, each caller's kept by a
 * resilience4j {@link RateLimiter}. The callers remembered are bounded ({@code maxCallers}, the least recently seen
 * forgotten), so a flood from many addresses cannot grow the map without limit; a forgotten caller starts with a full
 * budget.
 */
public final class CallerBudgets {

    private final String name;
    private final RateLimiterConfig config;
    private final Duration period;
    private final Map<String, RateLimiter> callers;

    /**
     * The caller a budget is kept for: the host of a request's {@code remoteAddress()} (the peer's, or the forwarded
     * one when {@code quarkus.http.proxy.*} trusts a proxy), or {@code unknown} when there is none.
     */
    public static String callerOf(SocketAddress address) {
        return address == null ? "unknown" : address.hostAddress();
    }

    /**
     * @param name       what the budget is of, for the limiters' names (e.g. {@code operator-calls})
     * @param permits    requests a caller may make per {@code period}
     * @param period     how often a caller's budget is refilled
     * @param maxCallers callers remembered at once
     */
    public CallerBudgets(String name, int permits, Duration period, int maxCallers) {
        if (permits < 1 || period.isNegative() || period.isZero() || maxCallers < 1) {
            throw new IllegalArgumentException("a caller budget needs permits ≥ 1, a positive period and maxCallers ≥ 1,"
                    + " not " + permits + ", " + period + ", " + maxCallers);
        }
        this.name = name;
        this.period = period;
        this.config = RateLimiterConfig.custom().limitForPeriod(permits).limitRefreshPeriod(period)
                .timeoutDuration(Duration.ZERO).build();
        this.callers = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, RateLimiter> eldest) {
                return size() > maxCallers;
            }
        };
    }

    /** Takes one of {@code caller}'s permits: false when its budget for this period is spent. */
    public boolean take(String caller) {
        return limiter(caller).acquirePermission();
    }

    /** Whether {@code caller}'s budget for this period is spent (takes nothing). */
    public boolean spent(String caller) {
        RateLimiter limiter;
        synchronized (callers) {
            limiter = callers.get(caller);
        }
        return limiter != null && limiter.getMetrics().getAvailablePermissions() <= 0;
    }

    /** Whole seconds until a spent budget is refilled: at most one period, at least 1. */
    public long retryAfterSeconds() {
        return Math.max(1, (period.toMillis() + 999) / 1000);
    }

    private RateLimiter limiter(String caller) {
        synchronized (callers) {
            return callers.computeIfAbsent(caller, c -> RateLimiter.of(name + "-" + c, config));
        }
    }
}
