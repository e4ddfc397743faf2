package dev.quayside.edgerouter.service;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What separates two rendered configurations when their <em>shape</em> (every line but the {@code server} lines of
 * {@code backend} and {@code listen} sections) is the same: servers to add and servers to take out, which HAProxy's
 * runtime API can do without a reload. The runtime commands are made from the rendered lines themselves, so the
 * running worker ends up with exactly what the file says.
 *
 * @param sameShape true when nothing but server lines differ (and no server line changed in place)
 * @param added     server lines only the new configuration has
 * @param removed   server lines only the old configuration has, in sections both have
 */
record ServerChanges(boolean sameShape, List<ServerLine> added, List<ServerLine> removed) {

    private static final Pattern SECTION = Pattern.compile("^(\\S+)(?:\\s+(\\S+))?.*$");
    private static final Pattern SERVER = Pattern.compile("^\\s+server\\s+(\\S+)\\s+(\\S.*?)\\s*$");
    private static final Set<String> PROXIES = Set.of("backend", "listen");

    /** One server line: the proxy section it is in, its name, and the rest of the line (address and options). */
    record ServerLine(String section, String name, String arguments) {
        /** {@code <section>/<name>}, as the runtime API names a server. */
        String path() {
            return section + "/" + name;
        }

        /** The first word of the arguments: {@code address:port}. */
        String endpoint() {
            int space = arguments.indexOf(' ');
            return space < 0 ? arguments : arguments.substring(0, space);
        }

        /** True when the line asks for health checks ({@code check} as a word). */
        boolean checked() {
            return (" " + arguments + " ").contains(" check ");
        }
    }

    boolean isEmpty() {
        return added.isEmpty() && removed.isEmpty();
    }

    /** Every server line of the {@code backend} and {@code listen} sections of {@code text}, by path. */
    static Map<String, ServerLine> lines(String text) {
        Map<String, ServerLine> lines = new LinkedHashMap<>();
        parse(text).servers().forEach((section, servers) -> servers.forEach((name, arguments) -> {
            ServerLine line = new ServerLine(section, name, arguments);
            lines.put(line.path(), line);
        }));
        return lines;
    }

    private record Parsed(List<String> shape, Map<String, Map<String, String>> servers, boolean duplicates) {
    }

    static ServerChanges between(String live, String next) {
        Parsed before = parse(live);
        Parsed after = parse(next);
        boolean same = !before.duplicates() && !after.duplicates() && before.shape().equals(after.shape());
        List<ServerLine> added = new ArrayList<>();
        List<ServerLine> removed = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> section : after.servers().entrySet()) {
            Map<String, String> old = before.servers().get(section.getKey());
            section.getValue().forEach((name, arguments) -> {
                String was = old == null ? null : old.get(name);
                if (was == null) {
                    added.add(new ServerLine(section.getKey(), name, arguments));
                } else if (!was.equals(arguments)) {
                    added.add(new ServerLine(section.getKey(), name, arguments));
                    removed.add(new ServerLine(section.getKey(), name, was));
                }
            });
        }
        boolean changedInPlace = false;
        for (Map.Entry<String, Map<String, String>> section : before.servers().entrySet()) {
            Map<String, String> now = after.servers().get(section.getKey());
            if (now == null) {
                continue; // the section goes away: only a reload removes it
            }
            for (Map.Entry<String, String> server : section.getValue().entrySet()) {
                String is = now.get(server.getKey());
                if (is == null) {
                    removed.add(new ServerLine(section.getKey(), server.getKey(), server.getValue()));
                } else if (!is.equals(server.getValue())) {
                    changedInPlace = true;
                }
            }
        }
        return new ServerChanges(same && !changedInPlace, added, removed);
    }

    private static Parsed parse(String text) {
        List<String> shape = new ArrayList<>();
        Map<String, Map<String, String>> servers = new LinkedHashMap<>();
        String section = null;
        boolean proxy = false;
        boolean duplicates = false;
        for (String line : text.split("\n", -1)) {
            String trimmed = line.strip();
            if (!line.isEmpty() && !Character.isWhitespace(line.charAt(0)) && !trimmed.startsWith("#")) {
                Matcher m = SECTION.matcher(trimmed);
                m.matches();
                proxy = PROXIES.contains(m.group(1));
                section = m.group(2);
                if (proxy && section != null) {
                    servers.computeIfAbsent(section, s -> new LinkedHashMap<>()); // a backend without servers too
                }
                shape.add(line);
                continue;
            }
            Matcher server = SERVER.matcher(line);
            if (proxy && section != null && server.matches()) {
                String arguments = server.group(2).replaceAll("\\s+", " ");
                String before = servers.computeIfAbsent(section, s -> new LinkedHashMap<>())
                        .put(server.group(1), arguments);
                duplicates |= before != null;
                continue;
            }
            shape.add(line);
        }
        return new Parsed(shape, servers, duplicates);
    }

    @Override
    public String toString() {
        return "+" + added.size() + " -" + removed.size() + (sameShape ? "" : " (shape changed)");
    }

    static boolean sameLine(ServerLine a, ServerLine b) {
        return Objects.equals(a.path(), b.path()) && Objects.equals(a.arguments(), b.arguments());
    }
}
