package dev.quayside.kit.it;

import dev.quayside.kit.security.OperatorAction;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Endpoints of the test application: an operator action that waits for the test, and an open one. */
@Path("/test-ops")
public class OperatorTestResource {

    static volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);
    static volatile CompletableFuture<Void> entered = new CompletableFuture<>();

    @POST
    @Path("/sync")
    @OperatorAction
    @Blocking
    public String sync() throws Exception {
        entered.complete(null);
        gate.get(30, TimeUnit.SECONDS);
        return "synced";
    }

    @GET
    @Path("/open")
    public String open() {
        return "open";
    }
}
