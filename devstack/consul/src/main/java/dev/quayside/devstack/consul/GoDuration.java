package dev.quayside.devstack.consul;

import java.math.BigDecimal;

/**
 * Go's {@code time.ParseDuration} / {@code Duration.String} for the durations Consul reads and writes ("10s", "1m30s",
 * "250ms"). Consul also accepts a bare number of nanoseconds in JSON bodies; {@link #fromJson(Object)} covers both.
 */
final class GoDuration {

    private GoDuration() {
    }

    /**
     * Parses a Go duration string into nanoseconds.
     *
     * @throws IllegalArgumentException for anything Go's {@code time.ParseDuration} rejects
     */
    static long parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("time: invalid duration \"\"");
        }
        String s = text;
        boolean negative = false;
        if (s.charAt(0) == '-' || s.charAt(0) == '+') {
            negative = s.charAt(0) == '-';
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return 0;
        }
        if (s.isEmpty()) {
            throw invalid(text);
        }
        BigDecimal total = BigDecimal.ZERO;
        int i = 0;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                i++;
            }
            String number = s.substring(start, i);
            if (number.isEmpty() || number.equals(".") || number.indexOf('.') != number.lastIndexOf('.')) {
                throw invalid(text);
            }
            int unitStart = i;
            while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
                i++;
            }
            String unit = s.substring(unitStart, i);
            long scale;
            switch (unit) {
                case "ns":
                    scale = 1L;
                    break;
                case "us":
                case "\u00b5s":
                case "\u03bcs":
                    scale = 1_000L;
                    break;
                case "ms":
                    scale = 1_000_000L;
                    break;
                case "s":
                    scale = 1_000_000_000L;
                    break;
                case "m":
                    scale = 60_000_000_000L;
                    break;
                case "h":
                    scale = 3_600_000_000_000L;
                    break;
                case "":
                    throw new IllegalArgumentException("time: missing unit in duration \"" + text + "\"");
                default:
                    throw new IllegalArgumentException("time: unknown unit \"" + unit + "\" in duration \"" + text + "\"");
            }
            total = total.add(new BigDecimal(number.startsWith(".") ? "0" + number : number)
                    .multiply(BigDecimal.valueOf(scale)));
        }
        if (total.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw invalid(text);
        }
        long nanos = total.longValue();
        return negative ? -nanos : nanos;
    }

    /** A JSON duration field: a Go duration string or a number of nanoseconds; null when absent or empty. */
    static Long fromJson(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Number) {
            return ((Number) value).longValue();
        }
        String text = value.toString();
        return text.isEmpty() ? null : parse(text);
    }

    /** Go's {@code Duration.String()}: "1h30m0s", "10s", "1.5s", "250ms", "0s". */
    static String format(long nanos) {
        if (nanos == 0) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        if (nanos < 0) {
            out.append('-');
            nanos = -nanos;
        }
        if (nanos < 1_000_000_000L) {
            if (nanos < 1_000L) {
                return out.append(nanos).append("ns").toString();
            }
            if (nanos < 1_000_000L) {
                return out.append(fraction(nanos, 1_000L)).append("\u00b5s").toString();
            }
            return out.append(fraction(nanos, 1_000_000L)).append("ms").toString();
        }
        long hours = nanos / 3_600_000_000_000L;
        long rest = nanos % 3_600_000_000_000L;
        long minutes = rest / 60_000_000_000L;
        rest %= 60_000_000_000L;
        if (hours > 0) {
            out.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            out.append(minutes).append('m');
        }
        return out.append(fraction(rest, 1_000_000_000L)).append('s').toString();
    }

    private static String fraction(long value, long unit) {
        return BigDecimal.valueOf(value).divide(BigDecimal.valueOf(unit)).stripTrailingZeros().toPlainString();
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("time: invalid duration \"" + text + "\"");
    }
}
