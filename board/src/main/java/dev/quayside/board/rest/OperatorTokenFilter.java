package dev.quayside.board.rest;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.util.Map;

/**
 * Lets an {@link OperatorOnly} request through only with {@code Authorization: Bearer <quayside.operator.token>}
 * (compared in constant time by {@link OperatorToken}); 401 otherwise. Without a configured token every action is
 * refused.
 */
@Provider
@OperatorOnly
@Priority(Priorities.AUTHENTICATION)
class OperatorTokenFilter implements ContainerRequestFilter {

    private static final String BEARER = "Bearer ";

    private final OperatorToken token;

    OperatorTokenFilter(OperatorToken token) {
        this.token = token;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (!token.configured()) {
            refuse(request, "no operator token is configured (quayside.operator.token): actions are off");
            return;
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            refuse(request, "this action needs the operator token: Authorization: Bearer <token>");
            return;
        }
        if (!token.matches(header.substring(BEARER.length()).trim())) {
            refuse(request, "wrong operator token");
        }
    }

    private static void refuse(ContainerRequestContext request, String reason) {
        request.abortWith(Response.status(Response.Status.UNAUTHORIZED)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"quayside\"")
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Map.of("error", reason))
                .build());
    }
}
