package dev.quayside.edgerouter.service;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Catalog values on their way into the HAProxy configuration: what is printable on one line, what is an IP literal,
 * and how a rejected value is quoted in a problem (every non-printable escaped, so a problem is one line too).
 */
final class SafeText {

    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    private static final int MAX_QUOTED = 200;

    private SafeText() {
    }

    /**
     * True when every character is printable and none ends a line: no ISO control character (CR, LF, TAB, NUL...),
     * no Unicode line or paragraph separator, no format, private-use, unassigned or lone surrogate character.
     */
    static boolean printable(String text) {
        if (text == null) {
            return false;
        }
        for (int i = 0; i < text.length();) {
            int c = text.codePointAt(i);
            if (!printable(c)) {
                return false;
            }
            i += Character.charCount(c);
        }
        return true;
    }

    private static boolean printable(int c) {
        if (Character.isISOControl(c)) {
            return false;
        }
        switch (Character.getType(c)) {
            case Character.LINE_SEPARATOR:
            case Character.PARAGRAPH_SEPARATOR:
            case Character.FORMAT:
            case Character.PRIVATE_USE:
            case Character.SURROGATE:
            case Character.UNASSIGNED:
                return false;
            default:
                return true;
        }
    }

    /**
     * {@code text} for a problem message, on one line: non-printables escaped as Java does ({@code \\n},
     * {@code \\r}, {@code \\t}, else a backslash, {@code u} and four hex digits); at most 200 characters.
     */
    static String quote(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && out.length() < MAX_QUOTED;) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\t') {
                out.append("\\t");
            } else if (c == '\\') {
                out.append("\\\\");
            } else if (printable(c)) {
                out.appendCodePoint(c);
            } else {
                for (char unit : Character.toChars(c)) {
                    out.append(String.format("\\u%04x", (int) unit));
                }
            }
        }
        return out.length() >= MAX_QUOTED ? out.substring(0, MAX_QUOTED) + "…" : out.toString();
    }

    /** True for an IPv4 or IPv6 literal (no zone), never for a name: nothing is looked up. */
    static boolean ipLiteral(String address) {
        if (address == null) {
            return false;
        }
        if (IPV4.matcher(address).matches()) {
            return true;
        }
        if (address.indexOf(':') < 0 || !IPV6_CHARS.matcher(address).matches()) {
            return false;
        }
        try {
            // with a ':' and only hex digits, ':' and '.', this parses a literal and never asks DNS
            return InetAddress.getByName(address) != null;
        } catch (UnknownHostException | RuntimeException e) {
            return false;
        }
    }
}
