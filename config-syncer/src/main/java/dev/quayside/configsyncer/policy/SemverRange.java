package dev.quayside.configsyncer.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A semantic-version range with node-semver's rules (npm's {@code semver} 7, strict mode, without
 * {@code includePrerelease}), for release-tag policies: comparator sets separated by {@code ||}, each a
 * space-separated AND of comparators {@code <}, {@code <=}, {@code >}, {@code >=}, {@code =} (or none), hyphen ranges
 * ({@code 1.2.3 - 2.3.4}), x-ranges ({@code *}, {@code 1.x}, {@code 1.2.*}, {@code 1}, {@code 1.2}), tilde
 * ({@code ~1.2.3}, {@code ~>1.2}) and caret ({@code ^0.2.3}) ranges. Versions may start with {@code v}; build metadata
 * is ignored; pre-release versions compare by their dot-separated identifiers (numeric ones numerically, below
 * alphanumeric ones: {@code rc.10} after {@code rc.2}), and a pre-release version satisfies a comparator set only when
 * one of its comparators names a pre-release of the same {@code major.minor.patch}. The translations follow
 * node-semver's {@code classes/range.js}.
 */
final class SemverRange {

    private static final String NUM = "0|[1-9]\\d*";
    private static final String XR = NUM + "|[xX*]";
    private static final String PRE_ID = "(?:0|[1-9]\\d*|\\d*[a-zA-Z-][a-zA-Z0-9-]*)";
    private static final String PRE = PRE_ID + "(?:\\." + PRE_ID + ")*";
    private static final String BUILD = "[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*";
    /** A full version, as node-semver's strict {@code FULL}. */
    private static final Pattern VERSION = Pattern.compile(
            "v?(" + NUM + ")\\.(" + NUM + ")\\.(" + NUM + ")(?:-(" + PRE + "))?(?:\\+" + BUILD + ")?");
    /** A partial version with wildcards, as node-semver's {@code XRANGEPLAIN}. */
    private static final String XRANGE_PLAIN = "[v=\\s]*(" + XR + ")(?:\\.(" + XR + ")(?:\\.(" + XR + ")(?:-(" + PRE
            + "))?(?:\\+" + BUILD + ")?)?)?";
    private static final String XRANGE_PLAIN_NC = XRANGE_PLAIN.replace("(" + XR + ")", "(?:" + XR + ")")
            .replace("(" + PRE + ")", "(?:" + PRE + ")");
    private static final Pattern HYPHEN = Pattern.compile("^\\s*(" + XRANGE_PLAIN_NC + ")\\s+-\\s+(" + XRANGE_PLAIN_NC
            + ")\\s*$");
    private static final Pattern PARTIAL = Pattern.compile(XRANGE_PLAIN);
    private static final Pattern COMPARATOR = Pattern.compile("^(~>?|\\^|[<>]=?|=)?(" + XRANGE_PLAIN_NC + ")$");

    /** A parsed version; {@code pre} holds the pre-release identifiers (empty for a release). */
    record Version(long major, long minor, long patch, List<String> pre) implements Comparable<Version> {

        /** The version in {@code text}, or null when it is not one. */
        static Version parse(String text) {
            Matcher m = VERSION.matcher(text.trim());
            if (!m.matches()) {
                return null;
            }
            try {
                return new Version(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                        m.group(4) == null ? List.of() : List.of(m.group(4).split("\\.")));
            } catch (NumberFormatException e) {
                return null; // beyond what a version number may be
            }
        }

        boolean prerelease() {
            return !pre.isEmpty();
        }

        boolean sameTuple(Version o) {
            return major == o.major && minor == o.minor && patch == o.patch;
        }

        @Override
        public int compareTo(Version o) {
            int c = Long.compare(major, o.major);
            if (c == 0) {
                c = Long.compare(minor, o.minor);
            }
            if (c == 0) {
                c = Long.compare(patch, o.patch);
            }
            if (c != 0) {
                return c;
            }
            if (pre.isEmpty() || o.pre.isEmpty()) {
                return pre.isEmpty() == o.pre.isEmpty() ? 0 : pre.isEmpty() ? 1 : -1; // a release is above its pre-releases
            }
            for (int i = 0; i < Math.max(pre.size(), o.pre.size()); i++) {
                if (i >= pre.size()) {
                    return -1;
                }
                if (i >= o.pre.size()) {
                    return 1;
                }
                int id = compareIdentifiers(pre.get(i), o.pre.get(i));
                if (id != 0) {
                    return id;
                }
            }
            return 0;
        }

        /** Numeric identifiers numerically and below alphanumeric ones, which compare as ASCII text. */
        private static int compareIdentifiers(String a, String b) {
            boolean an = a.chars().allMatch(Character::isDigit);
            boolean bn = b.chars().allMatch(Character::isDigit);
            if (an && bn) {
                return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
            }
            if (an != bn) {
                return an ? -1 : 1;
            }
            return Integer.signum(a.compareTo(b));
        }

        @Override
        public String toString() {
            return major + "." + minor + "." + patch + (pre.isEmpty() ? "" : "-" + String.join(".", pre));
        }
    }

    /** One comparator; a null version matches every version (node-semver's {@code ANY}). */
    private record Comparator(String op, Version version) {

        static final Comparator ANY = new Comparator("", null);

        boolean test(Version v) {
            if (version == null) {
                return true;
            }
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
        for (String set : text.split("\\|\\|", -1)) {
            range.sets.add(parseSet(set, text));
        }
        return range;
    }

    private static List<Comparator> parseSet(String set, String whole) {
        String s = set.trim().replaceAll("\\s+", " ");
        Matcher hyphen = HYPHEN.matcher(s);
        if (hyphen.matches()) {
            s = hyphen(hyphen.group(1), hyphen.group(2));
        }
        // no space between an operator and its version
        s = s.replaceAll("([<>]=?|=) +", "$1").replaceAll("~>? +", "~").replaceAll("\\^ +", "^").trim();
        List<Comparator> comparators = new ArrayList<>();
        for (String part : s.isEmpty() ? new String[0] : s.split(" ")) {
            comparators.addAll(comparator(part, whole));
        }
        if (comparators.isEmpty()) {
            comparators.add(Comparator.ANY);
        }
        return comparators;
    }

    /** A partial version's parts; a null number is a wildcard (or absent). */
    private record Partial(Long major, Long minor, Long patch, String pre) {

        static Partial parse(String text, String whole) {
            Matcher m = PARTIAL.matcher(text);
            if (!m.matches()) {
                throw new IllegalArgumentException("not a version range: '" + whole + "' (at '" + text + "')");
            }
            return new Partial(number(m.group(1)), number(m.group(2)), number(m.group(3)), m.group(4));
        }

        private static Long number(String group) {
            if (group == null || group.equalsIgnoreCase("x") || group.equals("*")) {
                return null;
            }
            try {
                return Long.valueOf(group);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("version number too large: " + group);
            }
        }
    }

    /** {@code from - to} as comparators (node-semver's {@code hyphenReplace}). */
    private static String hyphen(String fromText, String toText) {
        Partial f = Partial.parse(fromText.trim(), fromText);
        Partial t = Partial.parse(toText.trim(), toText);
        String from;
        if (f.major() == null) {
            from = "";
        } else if (f.minor() == null) {
            from = ">=" + f.major() + ".0.0";
        } else if (f.patch() == null) {
            from = ">=" + f.major() + "." + f.minor() + ".0";
        } else {
            from = ">=" + f.major() + "." + f.minor() + "." + f.patch() + (f.pre() == null ? "" : "-" + f.pre());
        }
        String to;
        if (t.major() == null) {
            to = "";
        } else if (t.minor() == null) {
            to = "<" + (t.major() + 1) + ".0.0-0";
        } else if (t.patch() == null) {
            to = "<" + t.major() + "." + (t.minor() + 1) + ".0-0";
        } else {
            to = "<=" + t.major() + "." + t.minor() + "." + t.patch() + (t.pre() == null ? "" : "-" + t.pre());
        }
        return (from + " " + to).trim();
    }

    private static List<Comparator> comparator(String part, String whole) {
        Matcher m = COMPARATOR.matcher(part);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a version range: '" + whole + "' (at '" + part + "')");
        }
        String op = m.group(1) == null ? "" : m.group(1);
        Partial p = Partial.parse(m.group(2), whole);
        if (op.startsWith("~")) {
            return tilde(p);
        }
        if (op.equals("^")) {
            return caret(p);
        }
        return xrange(op, p);
    }

    /** {@code ~M.m.p}: patch-level changes (node-semver's {@code replaceTilde}). */
    private static List<Comparator> tilde(Partial p) {
        if (p.major() == null) {
            return List.of(Comparator.ANY);
        }
        long maj = p.major();
        if (p.minor() == null) {
            return between(v(maj, 0, 0, null), v(maj + 1, 0, 0, "0"));
        }
        long min = p.minor();
        long pat = p.patch() == null ? 0 : p.patch();
        return between(v(maj, min, pat, p.patch() == null ? null : p.pre()), v(maj, min + 1, 0, "0"));
    }

    /** {@code ^M.m.p}: changes that keep the left-most non-zero part (node-semver's {@code replaceCaret}). */
    private static List<Comparator> caret(Partial p) {
        if (p.major() == null) {
            return List.of(Comparator.ANY);
        }
        long maj = p.major();
        if (p.minor() == null) {
            return between(v(maj, 0, 0, null), v(maj + 1, 0, 0, "0"));
        }
        long min = p.minor();
        if (p.patch() == null) {
            return between(v(maj, min, 0, null), maj == 0 ? v(0, min + 1, 0, "0") : v(maj + 1, 0, 0, "0"));
        }
        long pat = p.patch();
        Version low = v(maj, min, pat, p.pre());
        if (maj != 0) {
            return between(low, v(maj + 1, 0, 0, "0"));
        }
        return between(low, min != 0 ? v(0, min + 1, 0, "0") : v(0, 0, pat + 1, "0"));
    }

    /** A primitive comparator, or an x-range with or without one (node-semver's {@code replaceXRange}). */
    private static List<Comparator> xrange(String op, Partial p) {
        boolean xMajor = p.major() == null;
        boolean xMinor = xMajor || p.minor() == null;
        boolean xPatch = xMinor || p.patch() == null;
        if (op.equals("=") && xPatch) {
            op = "";
        }
        if (xMajor) {
            // '>*' and '<*' match nothing, anything else with '*' matches everything
            return op.equals(">") || op.equals("<") ? List.of(new Comparator("<", v(0, 0, 0, "0")))
                    : List.of(Comparator.ANY);
        }
        long maj = p.major();
        long min = xMinor ? 0 : p.minor();
        long pat = xPatch ? 0 : p.patch();
        if (!op.isEmpty() && xPatch) {
            String pre = null;
            if (op.equals(">") || op.equals("<=")) {
                // above (or up to) a partial version: from (below) the next one
                op = op.equals(">") ? ">=" : "<";
                if (xMinor) {
                    maj++;
                    min = 0;
                } else {
                    min++;
                }
                pat = 0;
            }
            if (op.equals("<")) {
                pre = "0";
            }
            return List.of(new Comparator(op, v(maj, min, pat, pre)));
        }
        if (xMinor) {
            return between(v(maj, 0, 0, null), v(maj + 1, 0, 0, "0"));
        }
        if (xPatch) {
            return between(v(maj, min, 0, null), v(maj, min + 1, 0, "0"));
        }
        return List.of(new Comparator(op.isEmpty() ? "=" : op, v(maj, min, pat, p.pre())));
    }

    private static List<Comparator> between(Version low, Version high) {
        return List.of(new Comparator(">=", low), new Comparator("<", high));
    }

    private static Version v(long major, long minor, long patch, String pre) {
        return new Version(major, minor, patch, pre == null ? List.of() : List.of(pre.split("\\.")));
    }

    /** True when {@code tag} (e.g. {@code v1.4.2}) is a version inside this range. */
    boolean matches(String tag) {
        Version v = Version.parse(tag);
        if (v == null) {
            return false;
        }
        for (List<Comparator> set : sets) {
            if (set.stream().allMatch(c -> c.test(v)) && (!v.prerelease() || set.stream()
                    .anyMatch(c -> c.version() != null && c.version().prerelease() && c.version().sameTuple(v)))) {
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
