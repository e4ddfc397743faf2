package dev.quayside.configsyncer.rest;

import static dev.quayside.configsyncer.rest.RequestBodies.error;
import static dev.quayside.configsyncer.rest.RequestBodies.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quayside.configsyncer.client.GitException;
import dev.quayside.configsyncer.service.ConfigRepo;
import dev.quayside.configsyncer.service.Repositories;
import dev.quayside.configsyncer.writeback.AppActions;
import dev.quayside.configsyncer.writeback.WriteBackService;
import dev.quayside.kit.security.OperatorAction;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * A person's actions on one app in one environment, each a commit in the config repository
 * ({@link AppActions}): {@code POST /api/apps/{app}/{environment}/suspend|resume|rollback} with the optional body
 * {@code {"repository", "by", "reason", "to"}}, and {@code GET /api/suspensions}. Operator actions:
 * {@code Authorization: Bearer <quayside.operator.token>}. The repository may be left out when one config repository
 * defines the app in that environment. Refusals are {@code {"error": "<why>"}}: 400 (a bad body or name, or several
 * repositories and none named), 404 (no such definition, suspension or version), 409 (the state does not allow it), 503
 * (the config repository cannot be reached now); nothing is written for any of them.
 */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
public class AppActionResource {

    private static final Logger LOG = Logger.getLogger(AppActionResource.class);

    private final Repositories repositories;
    private final AppActions actions;

    AppActionResource(Repositories repositories, AppActions actions) {
        this.repositories = repositories;
        this.actions = actions;
    }

    @GET
    @Path("/suspensions")
    @OperatorAction
    @Blocking
    public Response suspensions() {
        List<Map<String, Object>> listed = new ArrayList<>();
        for (ConfigRepo repo : repositories.all()) {
            try {
                for (AppActions.Suspended s : actions.suspensions(repo)) {
                    Map<String, Object> view = new LinkedHashMap<>();
                    view.put("repository", s.repository());
                    view.put("app", s.app());
                    view.put("environment", s.environment());
                    view.put("declaredIn", s.declaredIn());
                    view.put("by", s.by());
                    view.put("reason", s.reason());
                    view.put("since", s.since() == null ? null : s.since().toString());
                    view.put("commit", s.commit() == null ? null : s.commit().name());
                    listed.add(view);
                }
            } catch (GitException | RuntimeException e) {
                return unavailable(repo, e);
            }
        }
        return Response.ok(listed).build();
    }

    @POST
    @Path("/apps/{app}/{environment}/suspend")
    @OperatorAction
    @Blocking
    public Response suspend(@PathParam("app") String app, @PathParam("environment") String environment, String body) {
        return act(app, environment, body, (repo, request, to) -> actions.suspend(repo, request));
    }

    @POST
    @Path("/apps/{app}/{environment}/resume")
    @OperatorAction
    @Blocking
    public Response resume(@PathParam("app") String app, @PathParam("environment") String environment, String body) {
        return act(app, environment, body, (repo, request, to) -> actions.resume(repo, request));
    }

    @POST
    @Path("/apps/{app}/{environment}/rollback")
    @OperatorAction
    @Blocking
    public Response rollback(@PathParam("app") String app, @PathParam("environment") String environment, String body) {
        return act(app, environment, body, actions::rollback);
    }

    @FunctionalInterface
    private interface Action {
        AppActions.Done on(ConfigRepo repo, AppActions.Request request, String to) throws GitException;
    }

    private Response act(String app, String environment, String body, Action action) {
        JsonNode request = RequestBodies.object(body);
        if (request == null) {
            return error(Response.Status.BAD_REQUEST, "the body must be a JSON object such as {\"reason\": \"...\"}"
                    + " (fields: repository, by, reason, to)");
        }
        ConfigRepo repo = null;
        try {
            AppActions.checkNames(app, environment);
            repo = repository(text(request, "repository"), app, environment);
            AppActions.Done done = action.on(repo, new AppActions.Request(app, environment, text(request, "by"),
                    text(request, "reason")), text(request, "to"));
            LOG.infof("%s of %s in %s (%s): %s%s", done.action(), app, environment, repo.name(), done.message(),
                    text(request, "by") == null ? "" : " — asked by " + text(request, "by"));
            return Response.ok(view(done)).build();
        } catch (AppActions.RefusedException e) {
            return error(switch (e.refusal()) {
                case BAD_REQUEST -> Response.Status.BAD_REQUEST;
                case NOT_FOUND -> Response.Status.NOT_FOUND;
                case CONFLICT -> Response.Status.CONFLICT;
            }, e.getMessage());
        } catch (WriteBackService.RefusedException e) {
            return error(Response.Status.CONFLICT, e.getMessage());
        } catch (GitException | WriteBackService.PushRejectedException e) {
            return unavailable(repo, e);
        }
    }

    /**
     * The repository named, or the one repository that defines the app in the environment (the only one configured,
     * whether it does or not: its answer says); refused (400) naming them when several define it.
     */
    private ConfigRepo repository(String named, String app, String environment) throws GitException {
        if (named != null) {
            return repositories.byName(named).orElseThrow(() -> new AppActions.RefusedException(
                    AppActions.Refusal.NOT_FOUND, "no config repository '" + named + "' is configured"));
        }
        List<ConfigRepo> all = repositories.all();
        if (all.size() == 1) {
            return all.get(0);
        }
        List<ConfigRepo> defining = new ArrayList<>();
        for (ConfigRepo repo : all) {
            if (!actions.definitions(repo, app, environment).isEmpty()) {
                defining.add(repo);
            }
        }
        if (defining.isEmpty()) {
            throw new AppActions.RefusedException(AppActions.Refusal.NOT_FOUND, "no config repository defines "
                    + app + " in " + environment);
        }
        if (defining.size() > 1) {
            throw new AppActions.RefusedException(AppActions.Refusal.BAD_REQUEST, app + " is defined in "
                    + environment + " in " + String.join(", ", defining.stream().map(ConfigRepo::name).toList())
                    + ": name one with \"repository\"");
        }
        return defining.get(0);
    }

    private static Map<String, Object> view(AppActions.Done done) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("repository", done.repository());
        view.put("app", done.app());
        view.put("environment", done.environment());
        view.put("action", done.action());
        view.put("commit", done.commit() == null ? null : done.commit().name());
        view.put("file", done.file());
        if (done.action().equals("rollback") || done.toImage() != null) {
            view.put("fromImage", done.fromImage());
            view.put("toImage", done.toImage());
        }
        if (done.action().equals("rollback")) {
            view.put("restoredFrom", done.restoredFrom() == null ? null : done.restoredFrom().name());
        }
        view.put("message", done.message());
        return view;
    }

    private static Response unavailable(ConfigRepo repo, Exception e) {
        String which = repo == null ? "the config repositories" : "config repository " + repo.name();
        LOG.warnf("%s: %s", which, e.getMessage());
        return error(Response.Status.SERVICE_UNAVAILABLE, which + " cannot be reached now: " + e.getMessage()
                + "; nothing written, try again");
    }
}
