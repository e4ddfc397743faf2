package dev.quayside.kit.security;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.concurrent.Semaphore;

/**
 * The operator token and the slots of concurrent operator calls (what {@link OperatorActionFilter} checks), resolved
 * at start-up so that a token given twice, or an unreadable token file, stops the service with a clear message.
 */
@Startup
@ApplicationScoped
public class OperatorGuard {

    private final Optional<Secret> token;
    private final Semaphore slots;
    private final long retryAfterSeconds;
    private final CallerBudgets calls;
    private final CallerBudgets refusals;

    OperatorGuard(OperatorConfig config) {
        this.token = Secrets.fromValueOrFile("quayside.operator.token", config.token(), config.tokenFile());
        this.slots = new Semaphore(Math.max(1, config.maxConcurrent()));
        this.retryAfterSeconds = Math.max(1, (config.retryAfter().toMillis() + 999) / 1000);
        OperatorConfig.PerCaller perCaller = config.perCaller();
        this.calls = new CallerBudgets("operator-calls", perCaller.calls(), perCaller.period(), perCaller.remembered());
        this.refusals = new CallerBudgets("operator-refusals", perCaller.refusals(), perCaller.period(),
                perCaller.remembered());
    }

    /** Each caller's budget of accepted operator calls. */
    CallerBudgets calls() {
        return calls;
    }

    /** Each caller's budget of refused operator calls (no or a wrong token). */
    CallerBudgets refusals() {
        return refusals;
    }

    /** Whether a token is configured (without one, operator endpoints are refused). */
    public boolean enabled() {
        return token.isPresent();
    }

    /** The token, for a service that calls another service's operator endpoint on an operator's behalf. */
    public Optional<Secret> token() {
        return token;
    }

    /** Whether {@code given} is the token (constant time). */
    boolean accepts(String given) {
        return token.isPresent() && token.get().matches(given);
    }

    /** Takes a slot, or false when all are in use. */
    boolean enter() {
        return slots.tryAcquire();
    }

    /** Gives a slot back. */
    void leave() {
        slots.release();
    }

    long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
