package dev.quayside.devstack.chronos;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Chronos schedule {@code R[n]/<start>/<period>}: n repetitions ({@code R} alone = forever), an ISO-8601 start
 * (empty = now) and an ISO-8601 duration ({@code PT2S}, {@code P1D}, {@code P1Y2M3DT4H}).
 */
public record Iso8601Schedule(long repetitions, Instant start, Period period, Duration duration, ZoneId zone) {

    private static final Pattern FORMAT = Pattern.compile("R(\\d*)/([^/]*)/(P.+)");

    /** Parses a schedule; throws {@link IllegalArgumentException} with the reason when it is not valid. */
    public static Iso8601Schedule parse(String schedule, String timeZone) {
        if (schedule == null) {
            throw new IllegalArgumentException("schedule is missing");
        }
        Matcher m = FORMAT.matcher(schedule.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("schedule '" + schedule + "' is not of the form R[n]/<start>/<period>");
        }
        long repetitions = m.group(1).isEmpty() ? -1 : Long.parseLong(m.group(1));
        ZoneId zone;
        try {
            zone = timeZone == null || timeZone.isBlank() ? ZoneOffset.UTC : ZoneId.of(timeZone);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("scheduleTimeZone '" + timeZone + "' is not a time zone");
        }
        Instant start;
        String s = m.group(2).trim();
        try {
            start = s.isEmpty() ? Instant.now() : parseStart(s, zone);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("schedule start '" + s + "' is not an ISO-8601 date-time");
        }
        String p = m.group(3);
        Period period = Period.ZERO;
        Duration duration = Duration.ZERO;
        try {
            int t = p.indexOf('T');
            if (t < 0) {
                period = Period.parse(p);
            } else {
                if (t > 1) {
                    period = Period.parse(p.substring(0, t));
                }
                duration = Duration.parse("P" + p.substring(t));
            }
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("schedule period '" + p + "' is not an ISO-8601 duration");
        }
        if (period.isNegative() || duration.isNegative() || (period.isZero() && duration.isZero())) {
            throw new IllegalArgumentException("schedule period '" + p + "' must be positive");
        }
        return new Iso8601Schedule(repetitions, start, period, duration, zone);
    }

    private static Instant parseStart(String s, ZoneId zone) {
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            return java.time.LocalDateTime.parse(s).atZone(zone).toInstant();
        }
    }

    /** The period as a fixed duration when it has no months or years (which vary in length), else null. */
    public Duration fixedStep() {
        if (period.getMonths() != 0 || period.getYears() != 0) {
            return null;
        }
        return duration.plusDays(period.getDays());
    }

    /** The occurrence after {@code t}. */
    public Instant next(Instant t) {
        ZonedDateTime z = t.atZone(zone);
        return z.plus(period).plus(duration).toInstant();
    }
}
