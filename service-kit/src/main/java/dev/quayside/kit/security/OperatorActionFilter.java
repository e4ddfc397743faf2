package dev.quayside.kit.security;

import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import org.jboss.logging.Logger;

/**
 * Guards {@link OperatorAction} endpoints, before anything of the request is read:
 * <ul>
 * <li>no token configured → 403, saying how to set one (an unprotected state-changing endpoint is never served);</li>
 * <li>no or a wrong {@code Authorization: Bearer} → 401 with {@code WWW-Authenticate: Bearer} (compared in constant
 * time);</li>
 * <li>a caller (its address) over its budget — {@code per-caller.refusals} refused calls, checked before the token, or
 * {@code per-caller.calls} accepted ones per {@code per-caller.period} → 429 with {@code Retry-After};</li>
 * <li>{@code max-concurrent} operator calls already running → 429 with {@code Retry-After}, so looping callers cannot
 * hold the service's worker threads.</li>
 * </ul>
 */
@Provider
@OperatorAction
@Priority(Priorities.AUTHENTICATION)
public class OperatorActionFilter implements ContainerRequestFilter, ContainerResponseFilter {

    static final String REALM = "Bearer realm=\"quayside-operator\"";
    private static final String PERMIT = OperatorActionFilter.class.getName() + ".permit";
    private static final Logger LOG = Logger.getLogger(OperatorActionFilter.class);

    private final OperatorGuard guard;
    private final CurrentVertxRequest vertxRequest;

    OperatorActionFilter(OperatorGuard guard, CurrentVertxRequest request) {
        this.guard = guard;
        this.vertxRequest = request;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (!guard.enabled()) {
            request.abortWith(text(Response.Status.FORBIDDEN, "operator endpoints are disabled: no operator token is "
                    + "configured; set quayside.operator.token or quayside.operator.token-file (QUAYSIDE_OPERATOR_TOKEN "
                    + "or QUAYSIDE_OPERATOR_TOKEN_FILE) and call with 'Authorization: Bearer <token>'").build());
            return;
        }
        String caller = caller();
        if (guard.refusals().spent(caller)) {
            LOG.debugf("operator call %s %s from %s refused unread: too many refused calls", request.getMethod(),
                    request.getUriInfo().getPath(), caller);
            request.abortWith(tooMany("too many refused operator calls from " + caller + "; try again in "
                    + guard.refusals().retryAfterSeconds() + " s", guard.refusals().retryAfterSeconds()));
            return;
        }
        String given = bearer(request.getHeaderString(HttpHeaders.AUTHORIZATION));
        if (given == null || !guard.accepts(given)) {
            guard.refusals().take(caller);
            LOG.debugf("operator call %s %s from %s refused: %s", request.getMethod(), request.getUriInfo().getPath(),
                    caller, given == null ? "no bearer token" : "wrong token");
            request.abortWith(text(Response.Status.UNAUTHORIZED, "an operator token is required: "
                    + "'Authorization: Bearer <token>'").header(HttpHeaders.WWW_AUTHENTICATE, REALM).build());
            return;
        }
        if (!guard.calls().take(caller)) {
            request.abortWith(tooMany("too many operator calls from " + caller + "; try again in "
                    + guard.calls().retryAfterSeconds() + " s", guard.calls().retryAfterSeconds()));
            return;
        }
        if (!guard.enter()) {
            request.abortWith(text(Response.Status.TOO_MANY_REQUESTS, "too many operator calls at once; try again in "
                    + guard.retryAfterSeconds() + " s").header(HttpHeaders.RETRY_AFTER, guard.retryAfterSeconds()).build());
            return;
        }
        request.setProperty(PERMIT, Boolean.TRUE);
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (request.getProperty(PERMIT) != null) {
            request.removeProperty(PERMIT);
            guard.leave();
        }
    }

    /** The token of an {@code Authorization: Bearer <token>} header, or null. */
    static String bearer(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String value = header.substring(7).trim();
        return value.isEmpty() ? null : value;
    }

    /** The caller's address: the peer's, or the forwarded one when {@code quarkus.http.proxy.*} trusts a proxy. */
    private String caller() {
        RoutingContext current = vertxRequest.getCurrent();
        return CallerBudgets.callerOf(current == null ? null : current.request().remoteAddress());
    }

    private static Response tooMany(String message, long retryAfterSeconds) {
        return text(Response.Status.TOO_MANY_REQUESTS, message).header(HttpHeaders.RETRY_AFTER, retryAfterSeconds)
                .build();
    }

    private static Response.ResponseBuilder text(Response.Status status, String message) {
        return Response.status(status).type(MediaType.TEXT_PLAIN_TYPE).entity(message + "\n");
    }
}
