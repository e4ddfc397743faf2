package dev.quayside.configsyncer.rest;

import static dev.quayside.configsyncer.rest.RequestBodies.error;
import static dev.quayside.configsyncer.rest.RequestBodies.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quayside.configsyncer.client.ConsulException;
import dev.quayside.configsyncer.client.GitException;
import dev.quayside.configsyncer.service.PendingPromotion;
import dev.quayside.configsyncer.service.PendingPromotions;
import dev.quayside.configsyncer.service.PromotionGates;
import dev.quayside.kit.security.OperatorAction;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Operator endpoints of promotion gates: the pending promotions, and approving or rejecting one. Operator actions:
 * {@code Authorization: Bearer <quayside.operator.token>}. The optional body {@code {"image": "...", "by": "...",
 * "reason": "..."}} names the image the operator decided on (409 when another one is pending now), who, and why.
 */
@Path("/api/promotions")
@Produces(MediaType.APPLICATION_JSON)
public class PromotionResource {

    private final PendingPromotions pending;
    private final PromotionGates gates;

    PromotionResource(PendingPromotions pending, PromotionGates gates) {
        this.pending = pending;
        this.gates = gates;
    }

    @GET
    @OperatorAction
    @Blocking
    public List<Map<String, Object>> list() throws ConsulException {
        Instant now = Instant.now();
        return pending.all().stream().map(p -> view(p, now)).toList();
    }

    @POST
    @Path("/{repository}/{app}/{environment}/approve")
    @OperatorAction
    @Blocking
    public Response approve(@PathParam("repository") String repository, @PathParam("app") String app,
            @PathParam("environment") String environment, String body) throws ConsulException, GitException {
        return decide(repository, app, environment, body,
                (key, request) -> gates.approve(key, text(request, "image"), text(request, "by")));
    }

    @POST
    @Path("/{repository}/{app}/{environment}/reject")
    @OperatorAction
    @Blocking
    public Response reject(@PathParam("repository") String repository, @PathParam("app") String app,
            @PathParam("environment") String environment, String body) throws ConsulException, GitException {
        return decide(repository, app, environment, body, (key, request) -> gates.reject(key, text(request, "image"),
                text(request, "by"), text(request, "reason")));
    }

    /** An operator's decision on the pending promotion at {@code key}, with what the request body says. */
    @FunctionalInterface
    private interface Decide {
        PromotionGates.Decision on(String key, JsonNode request) throws ConsulException, GitException;
    }

    private Response decide(String repository, String app, String environment, String body, Decide decide)
            throws ConsulException, GitException {
        JsonNode request = RequestBodies.object(body);
        if (request == null) {
            return error(Response.Status.BAD_REQUEST, "the body must be a JSON object such as {\"image\": \"...\"}");
        }
        String key = key(repository, app, environment);
        if (key == null) {
            return error(Response.Status.NOT_FOUND, "no promotion of " + app + " to " + environment + " in "
                    + repository + " can be pending");
        }
        return answer(decide.on(key, request), repository, app, environment);
    }

    private String key(String repository, String app, String environment) {
        try {
            return pending.key(repository, app, environment);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Response answer(PromotionGates.Decision d, String repository, String app, String environment) {
        String what = app + " to " + environment + " in " + repository;
        return switch (d.verdict()) {
            case NONE_PENDING -> error(Response.Status.NOT_FOUND, "no promotion of " + what + " is pending");
            case OTHER_IMAGE -> error(Response.Status.CONFLICT, "the promotion of " + what + " pending now is of "
                    + d.promotion().image() + ", not the image you named: look at it again");
            case CHANGED -> error(Response.Status.CONFLICT, "the promotion of " + what
                    + " changed while you decided: look at it again");
            case DONE -> {
                Map<String, Object> view = view(d.promotion(), Instant.now());
                view.put("promoted", d.promoted());
                yield Response.ok(view).build();
            }
        };
    }

    private static Map<String, Object> view(PendingPromotion p, Instant now) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("repository", p.repository());
        view.put("app", p.app());
        view.put("fromEnvironment", p.fromEnvironment());
        view.put("toEnvironment", p.toEnvironment());
        view.put("image", p.image());
        view.put("requestedAt", p.requestedAt().toString());
        view.put("soakUntil", p.soakUntil() == null ? null : p.soakUntil().toString());
        view.put("approvalRequired", p.approvalRequired());
        view.put("approved", p.approved());
        view.put("approvedBy", p.approvedBy());
        view.put("waitingFor", p.openGates(now));
        view.put("chainId", p.chainId());
        view.put("eventId", p.eventId());
        return view;
    }
}
