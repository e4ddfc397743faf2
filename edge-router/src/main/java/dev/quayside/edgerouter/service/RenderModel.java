package dev.quayside.edgerouter.service;

import io.quarkus.qute.TemplateData;
import java.util.List;

/**
 * What a template sees: {@code instance}, {@code global}, {@code frontend}, {@code routes} (all), {@code httpRoutes},
 * {@code tcpRoutes} (each a {@link Route}) and {@code problems}.
 */
@TemplateData
public record RenderModel(String instance, Global global, Frontend frontend, List<Route> routes,
        List<Route> httpRoutes, List<Route> tcpRoutes, List<String> problems) {

    /** Process-wide settings for the {@code global} section. */
    @TemplateData
    public record Global(String hardStopAfter, int maxReloads) {
    }

    /** The shared front end. */
    @TemplateData
    public record Frontend(String bindAddress, int httpPort) {
    }

    public static RenderModel of(String instance, Global global, Frontend frontend, RouteTable table) {
        return new RenderModel(instance, global, frontend, table.routes(),
                table.routes().stream().filter(Route::http).toList(),
                table.routes().stream().filter(r -> !r.http()).toList(), table.problems());
    }
}
