package dev.quayside.notifier.rest;

import dev.quayside.notifier.config.NotifierConfig;
import dev.quayside.notifier.service.Router;
import dev.quayside.notifier.service.Rule;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What the notifier will do: the active routing rules and the channel names and types (never URLs or secrets). */
@Path("/notifier")
@Produces(MediaType.APPLICATION_JSON)
class RulesResource {

    private final Router router;
    private final NotifierConfig config;

    RulesResource(Router router, NotifierConfig config) {
        this.router = router;
        this.config = config;
    }

    @GET
    @Path("/rules")
    public List<Rule> rules() {
        return router.rules();
    }

    @GET
    @Path("/channels")
    public Map<String, String> channels() {
        Map<String, String> types = new TreeMap<>();
        config.channels().forEach((name, c) -> types.put(name, c.type().name().toLowerCase().replace('_', '-')));
        return types;
    }
}
