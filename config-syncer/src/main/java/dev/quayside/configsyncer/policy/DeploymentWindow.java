package dev.quayside.configsyncer.policy;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When promotions into an environment may be written, as Argo CD's sync windows say it: a window opens at each time
 * of {@code schedule} (a five-field Unix cron expression, in {@code timeZone}) and stays open for {@code duration}.
 * An environment with windows gets a promotion only while one of them is open; outside, the promotion waits (gate
 * {@code window}).
 *
 * @param schedule a five-field cron expression: minute, hour, day of month, month, day of week ({@code 0 9 * * 1-5})
 * @param duration how long each window stays open
 * @param timeZone the time zone the schedule is read in ({@code Europe/Berlin}; {@code UTC} by default)
 */
public record DeploymentWindow(String schedule, Duration duration, String timeZone) {

    private static final CronParser CRON = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    /** Parsed schedules: the gate check asks every few seconds per waiting promotion; a schedule parses once. */
    private static final Map<String, ExecutionTime> TIMES = new ConcurrentHashMap<>();
    /** More distinct schedules than any set of config repositories has: the cache starts over. */
    private static final int MAX_CACHED = 1024;

    /** Parses and checks a window; an {@link IllegalArgumentException} says in one line what is wrong. */
    public static DeploymentWindow of(String schedule, Duration duration, String timeZone) {
        try {
            CRON.parse(schedule).validate();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("schedule '" + schedule + "' is not a five-field cron expression ("
                    + e.getMessage() + ")", e);
        }
        if (duration.isZero() || duration.isNegative() || duration.compareTo(Duration.ofDays(7)) > 0) {
            throw new IllegalArgumentException("duration must be more than 0s and at most 7d, not " + duration);
        }
        try {
            ZoneId.of(timeZone);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("time-zone '" + timeZone + "' is not a time zone such as Europe/Berlin"
                    + " or UTC", e);
        }
        return new DeploymentWindow(schedule, duration, timeZone);
    }

    /** Whether this window is open at {@code now}: a start of the schedule at or before it, less than a duration ago. */
    public boolean isOpen(Instant now) {
        if (TIMES.size() > MAX_CACHED) {
            TIMES.clear();
        }
        ExecutionTime times = TIMES.computeIfAbsent(schedule, s -> ExecutionTime.forCron(CRON.parse(s)));
        ZonedDateTime at = now.atZone(ZoneId.of(timeZone));
        ZonedDateTime minute = at.truncatedTo(ChronoUnit.MINUTES);
        Optional<ZonedDateTime> start = times.isMatch(minute) ? Optional.of(minute) : times.lastExecution(at);
        return start.isPresent() && !at.isBefore(start.get()) && at.isBefore(start.get().plus(duration));
    }

    /** Whether a promotion may be written at {@code now}: no windows, or one of them open. */
    public static boolean allows(List<DeploymentWindow> windows, Instant now) {
        return windows == null || windows.isEmpty() || windows.stream().anyMatch(w -> w.isOpen(now));
    }
}
