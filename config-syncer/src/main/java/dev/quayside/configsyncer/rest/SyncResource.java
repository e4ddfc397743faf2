package dev.quayside.configsyncer.rest;

import dev.quayside.configsyncer.mirror.MirrorReconciler;
import dev.quayside.configsyncer.service.ConfigRepo;
import dev.quayside.configsyncer.service.Repositories;
import dev.quayside.events.ConfigSynced;
import dev.quayside.kit.security.OperatorAction;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;

/** Operator endpoints: the configured repositories, and a sync on demand (e.g. after restoring Consul). */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
public class SyncResource {

    private final Repositories repositories;
    private final MirrorReconciler mirror;

    SyncResource(Repositories repositories, MirrorReconciler mirror) {
        this.repositories = repositories;
        this.mirror = mirror;
    }

    @GET
    @Path("/repositories")
    public List<Map<String, Object>> repositories() {
        return repositories.all().stream().map(r -> Map.<String, Object>of("name", r.name(), "branch", r.branch(),
                "branches", r.branches(), "mountpoint", r.mirror().mountpoint())).toList();
    }

    /**
     * Mirrors one branch now and announces it on {@code quayside.config-synced}: 200 with the {@link ConfigSynced}, 204
     * when Consul already has the head. An operator
     * action: {@code Authorization: Bearer <quayside.operator.token>} (401/403 otherwise, 429 when too many run).
     */
    @POST
    @Path("/sync/{repository}/{branch}")
    @OperatorAction
    @Blocking
    public Response sync(@PathParam("repository") String repository, @PathParam("branch") String branch) {
        ConfigRepo repo = repositories.byName(repository)
                .orElseThrow(() -> new NotFoundException("no config repository " + repository));
        if (!repo.branches().contains(branch)) {
            throw new NotFoundException(repository + " does not mirror branch " + branch);
        }
        return mirror.syncNow(repo, branch).map(s -> Response.ok(s).build()).orElse(Response.noContent().build());
    }
}
