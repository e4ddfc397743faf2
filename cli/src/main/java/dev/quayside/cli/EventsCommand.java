package dev.quayside.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.quayside.cli.api.Api;
import dev.quayside.cli.client.BoardClient;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code quayside events [--type T] [--follow]}: the raw events, as published. */
@Command(name = "events", mixinStandardHelpOptions = true,
        description = {"The events on the topics, as published (the contract: docs/events.md). With --json, each "
                + "event with its CDEvent JSON, one per line.",
            "Types: commit-pushed, build-queued, build-started, build-finished, image-built, tag-updated, config-synced, "
                + "service-deployed, service-upgraded, service-rolled-back, service-removed, deployment-failed, "
                + "container-started, container-stopped, routes-updated (or a CloudEvents type, or a topic)."})
final class EventsCommand implements Callable<Integer> {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());

    @Mixin
    BoardOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = {"-t", "--type"}, paramLabel = "TYPE", split = ",", description = "Only these types.")
    List<String> types;

    @Option(names = {"-f", "--follow"}, description = "Keep printing events as they are published (Ctrl-C ends).")
    boolean follow;

    @Option(names = {"-n", "--limit"}, paramLabel = "N", defaultValue = "50",
            description = "The newest N events kept by the board (default: ${DEFAULT-VALUE}; with --follow: 0).")
    int limit;

    @Override
    public Integer call() {
        BoardClient board = options.client();
        Output out = options.output(spec.commandLine().getOut());
        String type = types == null || types.isEmpty() ? "" : "&type=" + BoardClient.encode(String.join(",", types));
        if (follow) {
            boolean limitGiven = spec.commandLine().getParseResult().hasMatchedOption("--limit");
            board.stream("api/events/stream?limit=" + (limitGiven ? limit : 0) + type, null, (name, data) -> {
                if ("event".equals(name)) {
                    print(out, List.of(BoardClient.parse(data, Api.Event.class)));
                }
                return true;
            });
            return ExitCodes.OK;
        }
        print(out, board.get("api/events?limit=" + limit + type, new TypeReference<List<Api.Event>>() { }));
        return ExitCodes.OK;
    }

    private void print(Output out, List<Api.Event> events) {
        if (options.json) {
            events.forEach(e -> out.println(BoardClient.toJson(e)));
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        for (Api.Event e : events) {
            rows.add(List.of(out.dim(e.time() == null ? "" : TIME.format(e.time())), e.name(),
                    e.chainId() == null ? "" : out.dim(e.chainId().substring(0, Math.min(8, e.chainId().length()))),
                    e.summary()));
        }
        if (follow) {
            rows.forEach(r -> out.println(String.join("  ", r)));
        } else {
            out.table(List.of("TIME", "TYPE", "CHAIN", "WHAT"), rows);
        }
    }
}
