package dev.quayside.notifier.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Folds bursts: the first notification of a group goes out at once; similar ones within the group's quiet period are
 * held and sent as one digest when it ends (then the period starts again). A group is a channel plus event type and
 * outcome; for failures also the app and environment, with the (longer) reminder period as quiet period, so a flapping
 * failure is reminded at most that often.
 */
public final class Folder {

    /** What to do with an offered notification. */
    public enum Decision {
        SEND, FOLD
    }

    /** A digest that is due: the group's channel and what was held. */
    public record Due(String groupKey, String channel, List<Notification> held, boolean reminder) {
    }

    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final BiConsumer<Due, Instant> onDue;
    private final Map<String, Group> groups = new HashMap<>();

    private static final class Group {
        final String channel;
        final Duration quiet;
        final boolean reminder;
        final List<Notification> held = new ArrayList<>();

        Group(String channel, Duration quiet, boolean reminder) {
            this.channel = channel;
            this.quiet = quiet;
            this.reminder = reminder;
        }
    }

    public Folder(Clock clock, ScheduledExecutorService timer, BiConsumer<Due, Instant> onDue) {
        this.clock = clock;
        this.timer = timer;
        this.onDue = onDue;
    }

    /** The group of a notification of {@code facts} to {@code channel}. */
    public static String groupKey(String channel, EventFacts facts) {
        String key = channel + "|" + facts.typeKey() + "|" + facts.outcome();
        return facts.isFailure() ? key + "|" + facts.app() + "|" + facts.environment() : key;
    }

    /** SEND when nothing of the group went out within its quiet period (then starts one); FOLD otherwise. */
    public synchronized Decision offer(String groupKey, String channel, Duration quiet, boolean reminder,
            Notification notification) {
        if (quiet.isZero() || quiet.isNegative()) {
            return Decision.SEND;
        }
        Group group = groups.get(groupKey);
        if (group == null) {
            groups.put(groupKey, new Group(channel, quiet, reminder));
            timer.schedule(() -> flush(groupKey), quiet.toMillis(), TimeUnit.MILLISECONDS);
            return Decision.SEND;
        }
        group.held.add(notification);
        return Decision.FOLD;
    }

    /** Number of groups with an open quiet period (for metrics and tests). */
    public synchronized int openGroups() {
        return groups.size();
    }

    private void flush(String groupKey) {
        Due due;
        synchronized (this) {
            Group group = groups.get(groupKey);
            if (group == null) {
                return;
            }
            if (group.held.isEmpty()) {
                groups.remove(groupKey);
                return;
            }
            due = new Due(groupKey, group.channel, List.copyOf(group.held), group.reminder);
            group.held.clear();
            timer.schedule(() -> flush(groupKey), group.quiet.toMillis(), TimeUnit.MILLISECONDS);
        }
        onDue.accept(due, clock.instant());
    }
}
