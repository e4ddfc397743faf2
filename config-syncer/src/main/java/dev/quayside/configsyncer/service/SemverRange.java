package dev.quayside.configsyncer.service;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A semantic-version range in the npm style, enough for release-tag policies: comparator sets separated by
 * {@code ||}, each a space-separated AND of {@code >=1.2.0}, {@code >1.2.0}, {@code <2.0.0}, {@code <=2.0.0},
 * {@code =1.2.3} or {@code 1.2.3}, {@code ^1.2.3}, {@code ~1.2.3}, {@code 1.x}/{@code 1.2.x}, {@code *}.
 * Pre-release versions ({@code 1.2.3-rc.1}) match only a range that names that exact version.
 */
final class SemverRange {

    private static final Pattern VERSION = Pattern.compile("v?(\\d+)\\.(\\d+)\\.(\\d+)(?:-([0-9A-Za-z.-]+))?(?:\\+[0-9A-Za-z.-]+)?");
    private static final Pattern PARTIAL = Pattern.compile("v?(\\d+|[xX*])(?:\\.(\\d+|[xX*]))?(?:\\.(\\d+|[xX*]))?");

    /** A parsed version; {@code pre} is null for a release. */
    record Version(int major, int minor, int patch, String pre) implements Comparable<Version> {

        static Version parse(String text) {
            Matcher m = VERSION.matcher(text.trim());
            if (!m.matches()) {
                return null;
            }
            return new Version(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)), m.group(4));
        }

        @Override
        public int compareTo(Version o) {
            int c = Integer.compare(major, o.major);
            if (c == 0) {
                c = Integer.compare(minor, o.minor);
            }
            if (c == 0) {
                c = Integer.compare(patch, o.patch);
            }
            if (c == 0) {
                c = pre == null ? (o.pre == null ? 0 : 1) : (o.pre == null ? -1 : pre.compareTo(o.pre));
            }
            return c;
        }
    }

    private record Comparator(String op, Version version) {
        boolean test(Version v) {
            int c = v.compareTo(version);
            switch (op) {
                case ">=": return c >= 0;
                case ">": return c > 0;
                case "<": return c < 0;
                case "<=": return c <= 0;
                default: return c == 0;
            }
        }
    }

    private final String text;
    private final List<List<Comparator>> sets = new ArrayList<>();

    private SemverRange(String text) {
        this.text = text;
    }

    /** Parses a range, or throws {@link IllegalArgumentException} naming the bad part. */
    static SemverRange parse(String text) {
        SemverRange range = new SemverRange(text);
        for (String set : text.split("\\|\\|")) {
            List<Comparator> comparators = new ArrayList<>();
            for (String part : set.trim().split("\\s+")) {
                if (!part.isEmpty()) {
                    comparators.addAll(comparators(part, text));
                }
            }
            range.sets.add(comparators);
        }
        return range;
    }

    private static List<Comparator> comparators(String part, String whole) {
        String op = "=";
        for (String candidate : new String[] {">=", "<=", ">", "<", "=", "^", "~"}) {
            if (part.startsWith(candidate)) {
                op = candidate;
                part = part.substring(candidate.length());
                break;
            }
        }
        Version exact = Version.parse(part);
        if (exact != null && !op.equals("^") && !op.equals("~")) {
            return List.of(new Comparator(op, exact));
        }
        Matcher m = PARTIAL.matcher(part);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a version range: '" + whole + "' (at '" + part + "')");
        }
        Integer major = number(m.group(1));
        Integer minor = number(m.group(2));
        Integer patch = number(m.group(3));
        if (major == null) {
            return List.of();
        }
        Version low = new Version(major, minor == null ? 0 : minor, patch == null ? 0 : patch, null);
        Version high;
        if (op.equals("^")) {
            high = major > 0 || minor == null ? new Version(major + 1, 0, 0, null)
                    : minor > 0 || patch == null ? new Version(0, minor + 1, 0, null) : new Version(0, 0, patch + 1, null);
        } else if (op.equals("~") || (minor != null && patch == null)) {
            high = minor == null ? new Version(major + 1, 0, 0, null) : new Version(major, minor + 1, 0, null);
        } else if (minor == null) {
            high = new Version(major + 1, 0, 0, null);
        } else {
            return List.of(new Comparator(op, low));
        }
        if (op.equals(">") || op.equals("<=")) {
            return List.of(new Comparator(op.equals(">") ? ">=" : "<", high));
        }
        if (op.equals("<") || op.equals(">=")) {
            return List.of(new Comparator(op, low));
        }
        return List.of(new Comparator(">=", low), new Comparator("<", high));
    }

    private static Integer number(String group) {
        return group == null || group.equalsIgnoreCase("x") || group.equals("*") ? null : Integer.valueOf(group);
    }

    /** True when {@code tag} (e.g. {@code v1.4.2}) is a version inside this range. */
    boolean matches(String tag) {
        Version v = Version.parse(tag);
        if (v == null) {
            return false;
        }
        for (List<Comparator> set : sets) {
            boolean all = true;
            for (Comparator c : set) {
                all &= c.test(v);
            }
            boolean preAllowed = v.pre() == null
                    || set.stream().anyMatch(c -> c.version().pre() != null && c.version().major() == v.major()
                            && c.version().minor() == v.minor() && c.version().patch() == v.patch());
            if (all && preAllowed) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return text;
    }
}
