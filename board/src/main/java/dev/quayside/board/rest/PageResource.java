package dev.quayside.board.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quayside.board.service.BoardView;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The board's web page: the state as it is now, which {@code board.js} draws and keeps current over SSE. */
@Path("/")
@Tag(name = "page")
class PageResource {

    private final BoardView view;
    private final ObjectMapper json;
    private final Template board;

    PageResource(BoardView view, ObjectMapper json, @Location("board.html") Template board) {
        this.view = view;
        this.json = json;
        this.board = board;
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "The pipeline board (HTML)")
    public TemplateInstance page() {
        Map<String, Object> initial = new LinkedHashMap<>();
        view.locked(() -> {
            initial.put("status", view.status());
            initial.put("apps", view.apps());
            initial.put("chains", view.chains(null, null, 30));
            initial.put("failures", view.failures(20));
            initial.put("repositories", view.repositories());
            return null;
        });
        try {
            // JSON inside <script>: "</" would end the element
            String data = json.writeValueAsString(initial).replace("</", "<\\/");
            return board.data("initial", data).data("status", view.status());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
