package dev.quayside.cli.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The board's API as the CLI reads it (see docs/board.md). Unknown fields are ignored, so a newer board still works
 * with an older CLI.
 */
public final class Api {

    private Api() {
    }

    /** A chain: one push and the stages it went through; {@code status} is {@code running} until it ends. */
    public record Chain(String id, String kind, String repository, String ref, String commit, String message,
            String author, Instant pushedAt, String status, String statusReason, Instant finishedAt, Long durationMs,
            List<String> apps, String buildId, List<Stage> stages, Map<String, String> links, Instant updatedAt,
            String writeBackOf) {

        public boolean finished() {
            return status != null && !"running".equals(status);
        }

        public List<Stage> stagesOrEmpty() {
            return stages == null ? List.of() : stages;
        }
    }

    /** One stage of a chain: {@code state} is pending, running, succeeded, failed or skipped. */
    public record Stage(String key, String name, String state, Instant startedAt, Instant endedAt, Long durationMs,
            String summary, String app, String environment, Map<String, String> links) {
    }

    public record Apps(List<String> environments, List<AppRow> apps) {
    }

    public record AppRow(String app, Map<String, AppCell> environments) {
    }

    public record AppCell(String app, String environment, String target, String targetId, String status, String image,
            String digest, String commit, String repository, String version, Instant since, Integer healthy,
            Integer wanted, String instancesError, Instant instancesCheckedAt, Change lastChange, Failure lastFailure,
            String deployingChain) {
    }

    public record Change(String type, Instant at, String chainId, String summary) {
    }

    public record Failure(Instant at, String type, String stage, String chainId, String repository, String commit,
            String app, String environment, String reason) {
    }

    public record HistoryEntry(Instant at, String app, String environment, String type, String image, String digest,
            String commit, String version, String chainId, Long durationMs, String reason) {
    }

    /** An event as published; {@code cdevent} is its CDEvent JSON. */
    public record Event(String id, String name, String type, String topic, String key, Instant time, String chainId,
            String subject, String summary, JsonNode cdevent) {
    }

    public record BuildLog(String buildId, long firstLine, List<String> lines, boolean finished, long dropped) {
    }

    public record LogLine(String buildId, long number, String line) {
    }
}
