package dev.quayside.board.rest;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.UriBuilder;
import jakarta.ws.rs.ext.Provider;
import java.util.regex.Pattern;

/**
 * {@code ?follow=true} on {@code /api/events}, {@code /api/chains}, {@code /api/chains/{id}} and
 * {@code /api/builds/{id}/log} asks for the live stream: the request goes to the same path's {@code /stream} resource
 * (server-sent events), whatever its {@code Accept} header said.
 */
@Provider
@PreMatching
class FollowParameter implements ContainerRequestFilter {

    private static final Pattern FOLLOWABLE = Pattern.compile(".*/api/(events|chains|chains/[^/]+|builds/[^/]+/log)/?");

    @Override
    public void filter(ContainerRequestContext request) {
        String follow = request.getUriInfo().getQueryParameters().getFirst("follow");
        String path = request.getUriInfo().getRequestUri().getPath();
        if (follow == null || !FOLLOWABLE.matcher(path).matches()) {
            return;
        }
        if (!"true".equalsIgnoreCase(follow) && !"false".equalsIgnoreCase(follow)) {
            throw ApiErrors.badRequest("follow must be true or false, not '" + follow + "'");
        }
        if ("true".equalsIgnoreCase(follow)) {
            String stream = (path.endsWith("/") ? path : path + "/") + "stream";
            request.setRequestUri(UriBuilder.fromUri(request.getUriInfo().getRequestUri()).replacePath(stream).build());
            request.getHeaders().putSingle(HttpHeaders.ACCEPT, "text/event-stream");
        }
    }
}
