package dev.quayside.notifier.service;

import dev.quayside.events.EventEnvelope;
import dev.quayside.notifier.client.KafkaSentLog;
import dev.quayside.notifier.client.SentLogClient;
import dev.quayside.notifier.config.ChannelType;
import dev.quayside.notifier.config.NotifierConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Turns one event into its notifications: route, de-duplicate against the sent log, render, fold or deliver. Each
 * channel's delivery runs on its own (a failing channel retries without holding up the others); the returned
 * {@link Uni} completes when every channel has settled, with the failures that exhausted their retries.
 */
@ApplicationScoped
public class NotificationService {

    private static final Logger LOG = Logger.getLogger(NotificationService.class);

    private final Router router;
    private final ChainTracker chains;
    private final Templates templates;
    private final SentLogClient sentLog;
    private final Deliveries deliveries;
    private final NotifierConfig config;
    private final MeterRegistry registry;
    private final ScheduledExecutorService timer;
    private final Folder folder;

    NotificationService(Router router, ChainTracker chains, Templates templates, SentLogClient sentLog,
            Deliveries deliveries, NotifierConfig config, MeterRegistry registry) {
        this.router = router;
        this.chains = chains;
        this.templates = templates;
        this.sentLog = sentLog;
        this.deliveries = deliveries;
        this.config = config;
        this.registry = registry;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "notifier-digest");
            t.setDaemon(true);
            return t;
        });
        this.folder = new Folder(Clock.systemUTC(), timer, this::sendDigest);
        registry.gauge("quayside.notifier.digest.open.groups", folder, Folder::openGroups);
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
    }

    /** Handles one event; the item lists the channels that failed for good (empty: all sent, folded or duplicates). */
    public Uni<List<String>> handle(EventEnvelope<?> envelope) {
        router.learn(envelope);
        ChainTracker.Chain chain = chains.observe(envelope);
        EventFacts facts = EventFacts.of(envelope);
        List<Router.Route> routes = router.routes(facts);
        if (routes.isEmpty()) {
            count("unrouted", "none");
            return Uni.createFrom().item(List.of());
        }
        List<Uni<Optional<String>>> each = routes.stream().map(r -> deliver(envelope, facts, chain, r)).toList();
        return Uni.combine().all().unis(each).with(results -> results.stream()
                .map(o -> (Optional<?>) o).filter(Optional::isPresent).map(o -> (String) o.get())
                .collect(Collectors.toList()));
    }

    private Uni<Optional<String>> deliver(EventEnvelope<?> envelope, EventFacts facts, ChainTracker.Chain chain,
            Router.Route route) {
        NotifierConfig.ChannelConfig channel = config.channels().get(route.channel());
        if (channel != null && channel.type() == ChannelType.COMMIT_STATUS) {
            List<CommitStatus> statuses = CommitStatuses.of(channel, envelope, facts, chain);
            if (statuses.isEmpty()) {
                count("skipped", route.channel());
                LOG.debugf("event %s means no commit status for channel %s", facts.eventId(), route.channel());
                return Uni.createFrom().item(Optional.empty());
            }
            return once(facts, route, () -> deliveries.send(route.channel(), statuses));
        }
        return once(facts, route, () -> {
            Notification n;
            try {
                boolean logTail = channel != null && channel.includeLogTail();
                n = templates.render(logTail ? facts : facts.withoutLogTail(), chain, route.template());
            } catch (RuntimeException e) {
                return Uni.createFrom().failure(new TemplateFailure("channel '" + route.channel() + "': template "
                        + (route.template() == null ? facts.typeKey() : route.template()) + " failed: "
                        + e.getMessage()));
            }
            Duration quiet = facts.isFailure() ? config.digest().remindEvery() : config.digest().window();
            Folder.Decision decision = folder.offer(Folder.groupKey(route.channel(), facts), route.channel(), quiet,
                    facts.isFailure(), n);
            if (decision == Folder.Decision.FOLD) {
                return null;
            }
            return deliveries.send(route.channel(), n);
        });
    }

    /** A template that does not render: the channel fails for this event, without retries. */
    private static final class TemplateFailure extends RuntimeException {
        TemplateFailure(String message) {
            super(message);
        }
    }

    /**
     * Claims the event for the channel in the sent log, runs {@code send} (null: folded into a digest) and records the
     * effect; on failure releases the claim and gives the reason.
     */
    private Uni<Optional<String>> once(EventFacts facts, Router.Route route, Supplier<Uni<Void>> send) {
        String key = KafkaSentLog.key(facts.eventId(), route.channel());
        if (!sentLog.claim(key)) {
            count("duplicate", route.channel());
            LOG.debugf("event %s already handled for channel %s", facts.eventId(), route.channel());
            return Uni.createFrom().item(Optional.empty());
        }
        Uni<Void> sending = send.get();
        if (sending == null) {
            count("folded", route.channel());
            return Uni.createFrom().completionStage(sentLog.record(key, KafkaSentLog.FOLDED))
                    .replaceWith(Optional.<String>empty());
        }
        return sending
                .chain(() -> Uni.createFrom().completionStage(sentLog.record(key, KafkaSentLog.SENT)))
                .invoke(() -> {
                    count("sent", route.channel());
                    LOG.debugf("event %s sent to channel %s", facts.eventId(), route.channel());
                })
                .replaceWith(Optional.<String>empty())
                .onFailure().recoverWithItem(e -> {
                    sentLog.release(key);
                    count("failed", route.channel());
                    if (!(e instanceof TemplateFailure)) {
                        LOG.warnf("notification of event %s to channel %s failed: %s", facts.eventId(),
                                route.channel(), e.getMessage());
                    }
                    return Optional.of(e.getMessage());
                });
    }

    private void sendDigest(Folder.Due due, Instant at) {
        Notification digest = templates.digest("digest-" + Integer.toHexString(due.groupKey().hashCode()) + "-"
                + at.toEpochMilli(), due.held(), due.reminder());
        deliveries.send(due.channel(), digest).subscribe().with(
                ok -> count(due.reminder() ? "reminder" : "digest", due.channel()),
                e -> {
                    count("failed", due.channel());
                    LOG.warnf("digest of %d notifications to channel %s failed: %s", due.held().size(),
                            due.channel(), e.getMessage());
                });
    }

    private void count(String result, String channel) {
        registry.counter("quayside.notifier.notifications", "result", result, "channel", channel).increment();
    }
}
