package dev.quayside.imagebuilder.rest;

import dev.quayside.imagebuilder.service.BuildHistory;
import dev.quayside.imagebuilder.service.BuildJob;
import dev.quayside.imagebuilder.service.CommitPushedHandler;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Queued, running and recently finished builds. */
@Path("/builds")
@Produces(MediaType.APPLICATION_JSON)
public class BuildResource {

    /** One build as the API shows it. */
    public record BuildView(String buildId, String repository, String branch, String commit, String state,
            String outcome, String reason, String artifactId, Instant queuedAt, Instant finishedAt) {

        static BuildView of(BuildJob job) {
            return new BuildView(job.buildId(), job.repository(), job.branch(), job.commit(),
                    job.state().name().toLowerCase(), job.outcome() == null ? null : job.outcome().wire(),
                    job.reason(), job.artifactId(), job.queuedAt(), job.finishedAt());
        }
    }

    private final CommitPushedHandler handler;
    private final BuildHistory history;

    BuildResource(CommitPushedHandler handler, BuildHistory history) {
        this.handler = handler;
        this.history = history;
    }

    /** Queued and running builds (oldest first), then finished ones (newest first). */
    @GET
    public List<BuildView> list() {
        List<BuildView> views = new ArrayList<>();
        handler.activeJobs().stream().sorted(Comparator.comparing(BuildJob::queuedAt)).map(BuildView::of)
                .forEach(views::add);
        history.recent().stream().map(BuildView::of).forEach(views::add);
        return views;
    }

    @GET
    @Path("/{buildId}")
    public BuildView get(@PathParam("buildId") String buildId) {
        return handler.active(buildId).or(() -> history.find(buildId)).map(BuildView::of)
                .orElseThrow(() -> new NotFoundException("no build " + buildId + " is queued, running or recent"));
    }
}
