package dev.quayside.board.service;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Build logs from {@code quayside.build-logs}, bounded: at most {@code maxCharsPerBuild} of one build (its latest
 * lines), {@code maxCharsTotal} over all builds and {@code maxBuilds} builds (the least recently written go first).
 * Not thread-safe: {@link BoardView} holds its lock.
 */
final class BuildLogs {

    private static final class Log {
        final ArrayDeque<String> lines = new ArrayDeque<>();
        long chars;
        long dropped;
        boolean finished;
    }

    private final int maxCharsPerBuild;
    private final long maxCharsTotal;
    private final int maxBuilds;
    /** The least recently written log comes first (a write moves its log to the end). */
    private final LinkedHashMap<String, Log> logs = new LinkedHashMap<>();
    private long totalChars;

    BuildLogs(int maxCharsPerBuild, long maxCharsTotal, int maxBuilds) {
        if (maxCharsPerBuild <= 0 || maxCharsTotal <= 0 || maxBuilds <= 0) {
            throw new IllegalArgumentException("build log limits must be positive: " + maxCharsPerBuild + ", "
                    + maxCharsTotal + ", " + maxBuilds);
        }
        this.maxCharsPerBuild = maxCharsPerBuild;
        this.maxCharsTotal = maxCharsTotal;
        this.maxBuilds = maxBuilds;
    }

    /** Appends a line; returns its 1-based number in the build's log. */
    long append(String buildId, String line) {
        String text = line == null ? "" : line;
        if (text.length() > maxCharsPerBuild - 1) {
            text = text.substring(0, Math.max(0, maxCharsPerBuild - 2)) + "…";
        }
        Log log = logs.remove(buildId);
        if (log == null) {
            log = new Log();
        }
        logs.put(buildId, log);
        log.lines.addLast(text);
        log.chars += text.length() + 1;
        totalChars += text.length() + 1;
        while (log.chars > maxCharsPerBuild && log.lines.size() > 1) {
            dropFirst(log);
        }
        long number = log.dropped + log.lines.size();
        evict(buildId);
        return number;
    }

    private void dropFirst(Log log) {
        String first = log.lines.removeFirst();
        log.chars -= first.length() + 1;
        totalChars -= first.length() + 1;
        log.dropped++;
    }

    private void evict(String keep) {
        Iterator<Map.Entry<String, Log>> it = logs.entrySet().iterator();
        while ((totalChars > maxCharsTotal || logs.size() > maxBuilds) && it.hasNext()) {
            Map.Entry<String, Log> eldest = it.next();
            if (eldest.getKey().equals(keep)) {
                continue;
            }
            totalChars -= eldest.getValue().chars;
            it.remove();
        }
        Log own = logs.get(keep);
        while (totalChars > maxCharsTotal && own != null && own.lines.size() > 1) {
            dropFirst(own);
        }
    }

    /** Marks a build's log complete (its {@code build.finished} was seen); returns true when it has a log. */
    boolean finish(String buildId) {
        Log log = logs.get(buildId);
        if (log != null) {
            log.finished = true;
        }
        return log != null;
    }

    Views.BuildLog get(String buildId, boolean finished) {
        Log log = logs.get(buildId);
        if (log == null) {
            return null;
        }
        return new Views.BuildLog(buildId, log.dropped + 1, List.copyOf(log.lines), finished || log.finished,
                log.dropped);
    }

    int builds() {
        return logs.size();
    }

    long totalChars() {
        return totalChars;
    }
}
