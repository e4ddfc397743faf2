package dev.quayside.cli;

import dev.quayside.cli.api.Api;
import dev.quayside.cli.client.BoardClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code quayside status}: every app × environment. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "What runs where: one row per app, one column per environment. A cell: status, instances "
                + "healthy/wanted (from Marathon), the commit (or image tag) and how long it has run.")
final class StatusCommand implements Callable<Integer> {

    @Mixin
    BoardOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        BoardClient board = options.client();
        Api.Apps apps = board.get("api/apps", Api.Apps.class);
        Output out = options.output(spec.commandLine().getOut());
        if (options.json) {
            out.println(BoardClient.toJson(apps));
            return ExitCodes.OK;
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
                cells.add(cell == null ? out.dim("-") : cell(cell, out, now));
            }
            rows.add(cells);
        }
        out.table(header, rows);
        return ExitCodes.OK;
    }

    static String cell(Api.AppCell cell, Output out, Instant now) {
        StringBuilder text = new StringBuilder(out.status(cell.status()));
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
