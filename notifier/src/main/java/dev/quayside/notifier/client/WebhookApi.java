package dev.quayside.notifier.client;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The one call every incoming webhook takes: POST of a JSON body to the configured URL (built per URL). */
interface WebhookApi {

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    Uni<Response> post(@HeaderParam("X-Quayside-Event") String event,
            @HeaderParam("X-Quayside-Delivery") String delivery,
            @HeaderParam("X-Quayside-Signature-256") String signature, byte[] body);
}
