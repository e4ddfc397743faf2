package dev.quayside.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quayside.cli.api.Api;
import dev.quayside.cli.client.BoardClient;
import dev.quayside.cli.client.BoardException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code quayside status}: every app × environment. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "What runs where: one row per app, one column per environment. A cell: status (and"
                + " 'suspended' when the app's automation is suspended there), instances healthy/wanted (from"
                + " Marathon), the commit (or image tag) and how long it has run.")
final class StatusCommand implements Callable<Integer> {

    @Mixin
    BoardOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        BoardClient board = options.client();
        Api.Apps apps = board.get("api/apps", Api.Apps.class);
        JsonNode suspensions = suspensions(board);
        Output out = options.output(spec.commandLine().getOut());
        if (options.json) {
            ObjectNode json = BoardClient.json().valueToTree(apps);
            if (suspensions != null) {
                json.set("suspensions", suspensions);
            }
            out.println(BoardClient.toJson(json));
            return ExitCodes.OK;
        }
        Set<String> suspended = new HashSet<>();
        if (suspensions != null) {
            suspensions.forEach(s -> suspended.add(s.path("app").asText() + "/" + s.path("environment").asText()));
        }
        if (apps.apps().isEmpty()) {
            out.println("no deployment seen yet (board " + board.baseUrl() + ")");
            return ExitCodes.OK;
        }
        List<String> header = new ArrayList<>();
        header.add("APP");
        apps.environments().forEach(env -> header.add(env.toUpperCase()));
        List<List<String>> rows = new ArrayList<>();
        Instant now = Instant.now();
        for (Api.AppRow row : apps.apps()) {
            List<String> cells = new ArrayList<>();
            cells.add(row.app());
            for (String env : apps.environments()) {
                Api.AppCell cell = row.environments().get(env);
                String mark = suspended.contains(row.app() + "/" + env) ? out.status("suspended") : null;
                cells.add(cell == null ? out.dim("-") + (mark == null ? "" : " " + mark) : cell(cell, mark, out, now));
            }
            rows.add(cells);
        }
        out.table(header, rows);
        return ExitCodes.OK;
    }

    /**
     * The apps suspended per environment as config-syncer keeps them (relayed by the board), or null when they cannot be
     * read: status then says nothing about suspension.
     */
    static JsonNode suspensions(BoardClient board) {
        try {
            JsonNode list = board.get("api/suspensions", JsonNode.class).path("configSyncer");
            return list.isArray() ? list : null;
        } catch (BoardException e) {
            return null;
        }
    }

    static String cell(Api.AppCell cell, String mark, Output out, Instant now) {
        StringBuilder text = new StringBuilder(out.status(cell.status()));
        if (mark != null) {
            text.append(' ').append(mark);
        }
        if (cell.wanted() != null) {
            text.append(' ').append(cell.healthy()).append('/').append(cell.wanted());
        }
        String what = cell.commit() != null ? Output.shortSha(cell.commit()) : tag(cell.image());
        if (!what.isEmpty()) {
            text.append(' ').append(what);
        }
        if (cell.since() != null) {
            text.append(' ').append(out.dim(Output.ago(cell.since(), now)));
        }
        return text.toString();
    }

    /** The tag of an image reference ({@code registry/name:tag@digest}), or "". */
    static String tag(String image) {
        if (image == null) {
            return "";
        }
        String noDigest = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
        int colon = noDigest.lastIndexOf(':');
        return colon > noDigest.lastIndexOf('/') ? noDigest.substring(colon + 1) : "";
    }
}
