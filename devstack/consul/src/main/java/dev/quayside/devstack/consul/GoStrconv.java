package dev.quayside.devstack.consul;

/** Go's {@code strconv.ParseUint(s, 10, 64)} with its error wording. */
final class GoStrconv {

    private GoStrconv() {
    }

    static long parseUint(String text) {
        try {
            if (text == null || text.isEmpty() || text.charAt(0) == '+' || text.charAt(0) == '-') {
                throw new NumberFormatException();
            }
            return Long.parseUnsignedLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("strconv.ParseUint: parsing \"" + text + "\": invalid syntax");
        }
    }
}
