package dev.quayside.devstack.marathon;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Marathon's label selector for {@code GET /v2/apps?label=…}: comma-separated terms, all of which must hold:
 * {@code key}, {@code !key}, {@code key==value}, {@code key!=value}, {@code key in (a, b)}, {@code key notin (a, b)}.
 */
final class Labels {

    private Labels() {
    }

    static boolean matches(String selector, JsonObject labels) {
        JsonObject l = labels == null ? new JsonObject() : labels;
        for (String term : split(selector)) {
            String t = term.trim();
            if (t.isEmpty()) {
                continue;
            }
            if (!matchesTerm(t, l)) {
                return false;
            }
        }
        return true;
    }

    private static boolean matchesTerm(String t, JsonObject l) {
        int i;
        if ((i = t.indexOf("!=")) > 0) {
            return !t.substring(i + 2).trim().equals(l.getString(t.substring(0, i).trim()));
        }
        if ((i = t.indexOf("==")) > 0) {
            return t.substring(i + 2).trim().equals(l.getString(t.substring(0, i).trim()));
        }
        if ((i = t.indexOf(" notin ")) > 0) {
            return !set(t.substring(i + 7)).contains(l.getString(t.substring(0, i).trim()));
        }
        if ((i = t.indexOf(" in ")) > 0) {
            return set(t.substring(i + 4)).contains(l.getString(t.substring(0, i).trim()));
        }
        if (t.startsWith("!")) {
            return !l.containsKey(t.substring(1).trim());
        }
        return l.containsKey(t);
    }

    private static Set<String> set(String list) {
        String inner = list.trim();
        if (inner.startsWith("(") && inner.endsWith(")")) {
            inner = inner.substring(1, inner.length() - 1);
        }
        List<String> values = new ArrayList<>();
        for (String v : inner.split(",")) {
            values.add(v.trim());
        }
        return Set.copyOf(values);
    }

    /** Splits on commas that are not inside parentheses. */
    private static List<String> split(String selector) {
        List<String> terms = new ArrayList<>();
        int depth = 0;
        StringBuilder current = new StringBuilder();
        for (char c : selector.toCharArray()) {
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            }
            if (c == ',' && depth == 0) {
                terms.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        terms.add(current.toString());
        return terms;
    }
}
