package dev.quayside.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** How the CLI writes for people: aligned tables, relative times, colour only when asked for or on a terminal. */
final class Output {

    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*m");

    private final PrintWriter out;
    private final boolean colour;

    Output(PrintWriter out, boolean colour) {
        this.out = out;
        this.colour = colour;
    }

    PrintWriter out() {
        return out;
    }

    boolean colour() {
        return colour;
    }

    void println(String line) {
        out.println(line);
        out.flush();
    }

    /** {@code text} coloured by what a status word means: green done, blue under way, red failed, grey other. */
    String status(String text) {
        if (!colour || text == null) {
            return text;
        }
        String code = switch (text) {
            case "running", "live", "succeeded", "unchanged", "synced", "deleted", "deployed", "upgraded", "approved" -> "32";
            case "deploying", "pending" -> "34";
            case "failed", "rolled-back", "rejected" -> "31";
            case "suspended", "resumed", "rolled back" -> "33";
            default -> "90";
        };
        return "\u001B[" + code + "m" + text + "\u001B[0m";
    }

    String dim(String text) {
        return colour && text != null && !text.isEmpty() ? "\u001B[2m" + text + "\u001B[0m" : text;
    }

    String bold(String text) {
        return colour && text != null && !text.isEmpty() ? "\u001B[1m" + text + "\u001B[0m" : text;
    }

    /** Prints rows as columns aligned on their visible width (colour codes do not count), two spaces apart. */
    void table(List<String> header, List<List<String>> rows) {
        List<List<String>> all = new ArrayList<>();
        List<String> head = new ArrayList<>();
        header.forEach(h -> head.add(bold(h)));
        all.add(head);
        all.addAll(rows);
        int columns = header.size();
        int[] widths = new int[columns];
        for (List<String> row : all) {
            for (int i = 0; i < columns && i < row.size(); i++) {
                widths[i] = Math.max(widths[i], visible(row.get(i)));
            }
        }
        for (List<String> row : all) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                String cell = i < row.size() && row.get(i) != null ? row.get(i) : "";
                line.append(cell);
                if (i < columns - 1) {
                    line.append(" ".repeat(widths[i] - visible(cell) + 2));
                }
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }

    static int visible(String text) {
        return text == null ? 0 : ANSI.matcher(text).replaceAll("").codePointCount(0, ANSI.matcher(text).replaceAll("").length());
    }

    /** {@code 42s}, {@code 5m}, {@code 3h}, {@code 2d} since {@code at} (nothing for null). */
    static String ago(Instant at, Instant now) {
        if (at == null) {
            return "";
        }
        long s = Math.max(0, Duration.between(at, now).toSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m";
        }
        if (s < 86_400) {
            return s / 3600 + "h";
        }
        return s / 86_400 + "d";
    }

    /** {@code 840 ms}, {@code 8.4 s}, {@code 2 min 5 s}. */
    static String millis(Long ms) {
        if (ms == null) {
            return "";
        }
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 120_000) {
            return String.format("%.1f s", ms / 1000.0);
        }
        return ms / 60_000 + " min " + (ms % 60_000) / 1000 + " s";
    }

    static String shortSha(String sha) {
        return sha == null ? "" : sha.substring(0, Math.min(7, sha.length()));
    }
}
