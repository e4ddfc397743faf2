package dev.quayside.board.rest;

import dev.quayside.board.client.ConfigSyncerClient;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The apps whose automation is suspended in an environment, as config-syncer keeps them (in quayside.yml or by a
 * suspension through its API); suspending, resuming and rolling back are {@code POST /api/apps/{app}/{environment}/…}.
 */
@Path("/api/suspensions")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "actions")
class SuspensionsResource {

    private final ConfigSyncerClient configSyncer;

    SuspensionsResource(ConfigSyncerClient configSyncer) {
        this.configSyncer = configSyncer;
    }

    @GET
    @Operation(summary = "The apps suspended per environment (repository, app, environment, declaredIn, by, reason,"
            + " since, commit), as config-syncer keeps them")
    @APIResponse(responseCode = "200", description = "config-syncer's list, under configSyncer")
    @APIResponse(responseCode = "502", description = "config-syncer refused the board or answered an error")
    @APIResponse(responseCode = "503", description = "config-syncer did not answer")
    public Response suspensions() {
        return Relayed.of("config-syncer", "configSyncer", configSyncer.suspensions(), new LinkedHashMap<>(), "listed",
                null);
    }
}
