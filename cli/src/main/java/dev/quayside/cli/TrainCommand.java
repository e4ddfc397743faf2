package dev.quayside.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.quayside.cli.api.Api;
import dev.quayside.cli.client.BoardClient;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * Hidden: runs every command once against a stand-in board on a loopback port, so that the JVM that runs it
 * ({@code bin/quayside-cli} starts it with {@code -XX:ArchiveClassesAtExit}) records the classes a real run loads into
 * the class-data archive. Nothing leaves the machine; nothing is printed but the count of commands run.
 */
@Command(name = "__train", hidden = true, description = "Records the class-data archive's classes (bin/quayside-cli).")
final class TrainCommand implements Callable<Integer> {

    @Override
    public Integer call() throws IOException {
        Instant now = Instant.now();
        Api.Stage stage = new Api.Stage("push", "pushed", "succeeded", now, now, 0L, "main: 1 commit(s)", null, null,
                Map.of());
        Api.Chain chain = new Api.Chain("c1", "app", "app", "refs/heads/main", "0123456789abcdef0123456789abcdef01234567",
                "message", "author", now, "live", null, now, 10L, List.of("app"), "b1", List.of(stage), Map.of(), now, null);
        Api.AppCell cell = new Api.AppCell("app", "dev", "marathon", "/dev/app", "running", "r/app:0123@sha256:00", "sha256:00",
                chain.commit(), "app", "v1", now, 1, 1, null, now, new Api.Change("deployed", now, "c1", "deployed"), null, null);
        Api.Apps apps = new Api.Apps(List.of("dev"), List.of(new Api.AppRow("app", Map.of("dev", cell))));
        Api.HistoryEntry entry = new Api.HistoryEntry(now, "app", "dev", "deployed", cell.image(), cell.digest(),
                chain.commit(), "v1", "c1", 10L, null);
        Api.Event event = new Api.Event("e1", "commit-pushed", "dev.cdevents.change.merged.0.3.0", "quayside.commit-pushed",
                "app", now, "c1", "app@0123", "app main", BoardClient.json().createObjectNode().put("x", 1));
        String steered = "{\"app\":\"app\",\"environment\":\"prod\",\"status\":\"%s\",\"configSyncer\":"
                + "{\"repository\":\"c\",\"app\":\"app\",\"environment\":\"prod\",\"action\":\"%s\","
                + "\"commit\":\"0123456789abcdef0123456789abcdef01234567\",\"toImage\":\"r/app:0123\"}}";
        Map<String, String> json = Map.ofEntries(
                Map.entry("/api/apps", BoardClient.toJson(apps)),
                Map.entry("/api/apps/app/history", BoardClient.toJson(List.of(entry))),
                Map.entry("/api/chains", BoardClient.toJson(List.of(chain))),
                Map.entry("/api/builds/b1", BoardClient.toJson(new Api.BuildLog("b1", 1, List.of("line"), true, 0))),
                Map.entry("/api/events", BoardClient.toJson(List.of(event))),
                Map.entry("/api/repositories/app/sync", "{\"repository\":\"app\",\"status\":\"synced\",\"gitWatcher\":"
                        + "{\"heads\":{\"refs/heads/main\":\"0123456\"}}}"),
                Map.entry("/api/promotions", "{\"status\":\"listed\",\"configSyncer\":[{\"repository\":\"c\",\"app\":\"app\","
                        + "\"fromEnvironment\":\"dev\",\"toEnvironment\":\"prod\",\"image\":\"r/app:0123@sha256:00\","
                        + "\"waitingFor\":[\"approval\"],\"requestedAt\":\"" + now + "\"}]}"),
                Map.entry("/api/promotions/c/app/prod/approve", "{\"status\":\"approved\"}"),
                Map.entry("/api/suspensions", "{\"status\":\"listed\",\"configSyncer\":[{\"repository\":\"c\","
                        + "\"app\":\"app\",\"environment\":\"dev\",\"declaredIn\":\"quayside.yml\"}]}"),
                Map.entry("/api/apps/app/prod/suspend", steered.formatted("suspended", "suspend")),
                Map.entry("/api/apps/app/prod/resume", steered.formatted("resumed", "resume")),
                Map.entry("/api/apps/app/prod/rollback", steered.formatted("rolled-back", "rollback")));
        Map<String, String> streams = Map.of(
                "/api/chains/stream", "event: chain\ndata: " + BoardClient.toJson(chain) + "\n\n",
                "/api/builds/b1/log/stream", "event: log\ndata: " + BoardClient.toJson(new Api.LogLine("b1", 1, "line"))
                        + "\n\nevent: log-end\ndata: \"b1\"\n\n",
                "/api/events/stream", "event: event\ndata: " + BoardClient.toJson(event) + "\n\n");
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> answer(exchange, json, streams));
        server.start();
        try {
            String board = "--board=http://127.0.0.1:" + server.getAddress().getPort();
            String[][] runs = {
                {"status", board}, {"status", board, "--json"}, {"history", "app", board},
                {"history", "app", board, "--json"}, {"follow", "app@0123456", board}, {"follow", "app@0123456", board, "--json"},
                {"logs", "b1", board}, {"logs", "b1", "-f", board}, {"events", board}, {"events", board, "-f"},
                {"events", board, "--json"}, {"sync", "app", "--token", "t", board}, {"promotions", board},
                {"approve", "app", "prod", "--token", "t", board},
                {"suspend", "app", "prod", "--reason", "r", "--token", "t", board},
                {"resume", "app", "--env", "prod", "--token", "t", board, "--json"},
                {"rollback", "app", "prod", "--to", "0123", "--token", "t", board}, {"status", "--help"},
                {"follow", "--help"}, {"--help"}, {"status", "--board", "http://127.0.0.1:1"}};
            StringWriter sink = new StringWriter();
            for (String[] run : runs) {
                QuaysideCli.run(run, new PrintWriter(sink), new PrintWriter(sink));
            }
            System.out.println("trained on " + runs.length + " runs");
        } finally {
            server.stop(0);
        }
        return ExitCodes.OK;
    }

    private static void answer(HttpExchange exchange, Map<String, String> json, Map<String, String> streams) {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            boolean stream = streams.containsKey(path);
            String body = stream ? streams.get(path) : json.get(path);
            byte[] bytes = (body == null ? "{\"error\":\"not found\"}" : body).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", stream ? "text/event-stream" : "application/json");
            exchange.sendResponseHeaders(body == null ? 404 : 200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
