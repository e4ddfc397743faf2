package dev.quayside.registrator.rest;

import dev.quayside.kit.security.OperatorAction;
import dev.quayside.registrator.service.EventStreamFollower;
import dev.quayside.registrator.service.Registrar;
import dev.quayside.registrator.service.RegistratorSettings;
import dev.quayside.registrator.service.ServiceRegistration;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** What registrator has registered, and the state of its event stream. */
@Path("/registrations")
@Produces(MediaType.APPLICATION_JSON)
class RegistrationsResource {

    private final Registrar registrar;
    private final EventStreamFollower stream;
    private final RegistratorSettings settings;

    RegistrationsResource(Registrar registrar, EventStreamFollower stream, RegistratorSettings settings) {
        this.registrar = registrar;
        this.stream = stream;
        this.settings = settings;
    }

    /** One registration; {@code maintenance} says why it is held out of rotation (draining, unhealthy), or null. */
    record Service(String id, String name, String address, int port, List<String> tags, Map<String, String> meta,
            String containerId, String containerName, String image, String maintenance) {
    }

    record State(String hostname, boolean streamConnected, Instant connectedSince, String lastStreamError,
            Instant lastSync, List<Service> services) {
    }

    @GET
    public State get() {
        List<Service> services = registrar.registrations().values().stream()
                .sorted(Comparator.comparing(ServiceRegistration::id))
                .map(s -> new Service(s.id(), s.name(), s.address(), s.port(), s.tags(), s.meta(),
                        s.container().id(), s.container().name(), s.container().image(),
                        registrar.maintenanceReason(s.container().id())))
                .toList();
        return new State(settings.hostname(), stream.connected(), stream.connectedSince(), stream.lastError(),
                registrar.lastSync(), services);
    }

    /** Runs a full sync now and answers when it is done: an operator action (a bearer token, a bounded number at once). */
    @POST
    @Path("/sync")
    @OperatorAction
    public State sync() {
        registrar.submitSync("requested").join(); // a failed sync answers 500 with the reason
        return get();
    }
}
