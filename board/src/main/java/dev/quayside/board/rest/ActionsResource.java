package dev.quayside.board.rest;

import dev.quayside.board.client.GitWatcherClient;
import dev.quayside.kit.security.OperatorAction;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** What an operator can do from the board: for now, make git-watcher poll a repository now. */
@Path("/api/repositories")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "actions")
@SecurityScheme(securitySchemeName = "operator", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "the operator token (quayside.operator.token)")
class ActionsResource {

    private final GitWatcherClient gitWatcher;

    ActionsResource(GitWatcherClient gitWatcher) {
        this.gitWatcher = gitWatcher;
    }

    @POST
    @Path("/{name}/sync")
    @OperatorAction
    @SecurityRequirement(name = "operator")
    @Operation(summary = "Sync now: git-watcher polls the repository and publishes what changed (its answer is returned)")
    @APIResponse(responseCode = "200", description = "git-watcher polled the repository")
    @APIResponse(responseCode = "401", description = "no or a wrong operator token")
    @APIResponse(responseCode = "404", description = "git-watcher does not watch the repository")
    @APIResponse(responseCode = "502", description = "git-watcher could not fetch the remote, or refused the board")
    @APIResponse(responseCode = "503", description = "git-watcher did not answer")
    public Response sync(@PathParam("name") String name) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("repository", name);
        return Relayed.of("git-watcher", "gitWatcher", gitWatcher.sync(name), body, "synced",
                "git-watcher does not watch repository '" + name + "'");
    }
}
