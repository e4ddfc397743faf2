package dev.quayside.devstack.marathon;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** Marathon's timestamps and versions: ISO-8601 UTC with milliseconds ({@code 2015-09-29T15:59:51.164Z}). */
final class Versions {

    static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private static Instant last = Instant.EPOCH;

    private Versions() {
    }

    static String now() {
        return FORMAT.format(Instant.now());
    }

    static String format(Instant instant) {
        return FORMAT.format(instant);
    }

    /** A strictly increasing version (unique in this JVM, even within one millisecond). */
    static synchronized String next() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        if (!now.isAfter(last)) {
            now = last.plusMillis(1);
        }
        last = now;
        return FORMAT.format(now);
    }

    static Instant parse(String version) {
        return Instant.parse(version);
    }
}
