package dev.quayside.gitwatcher.rest;

import dev.quayside.gitwatcher.client.DeliveryLog;
import dev.quayside.gitwatcher.service.poll.PollService;
import dev.quayside.gitwatcher.service.RepositoryRegistry;
import dev.quayside.gitwatcher.service.WatchedRepository;
import dev.quayside.kit.security.OperatorAction;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The watched repositories with their last seen heads, and forced polls. */
@Path("/repositories")
@Produces(MediaType.APPLICATION_JSON)
public class RepositoryResource {

    /** One watched repository as listed. */
    public record RepositoryView(String name, String kind, String cloneUrl, List<String> branches, boolean tags,
            String pollInterval, Map<String, String> heads, PollService.PollStatus lastPoll) {
    }

    private final RepositoryRegistry registry;
    private final DeliveryLog log;
    private final PollService polls;

    public RepositoryResource(RepositoryRegistry registry, DeliveryLog log, PollService polls) {
        this.registry = registry;
        this.log = log;
        this.polls = polls;
    }

    @GET
    public List<RepositoryView> list() {
        Map<String, PollService.PollStatus> lastPolls = polls.lastPolls();
        return registry.all().stream().map(r -> view(r, lastPolls.get(r.name()))).collect(Collectors.toList());
    }

    /**
     * Polls the repository now (502 when its remote cannot be listed or fetched): an operator action, with the bearer
     * token of {@code quayside.operator.token} (the board's "sync now" and {@code quayside sync} send it).
     */
    @POST
    @OperatorAction
    @Path("{name}/sync")
    public RepositoryView sync(@PathParam("name") String name) {
        WatchedRepository repository = registry.byName(name)
                .orElseThrow(() -> new NotFoundException("repository " + name + " is not watched"));
        return view(repository, polls.poll(repository));
    }

    private RepositoryView view(WatchedRepository repository, PollService.PollStatus lastPoll) {
        return new RepositoryView(repository.name(), repository.config().kind().wireName(), repository.cloneUrl(),
                repository.config().branches(), repository.config().tags(),
                repository.pollInterval().map(Object::toString).orElse(null), log.heads(repository.name()),
                lastPoll);
    }
}
