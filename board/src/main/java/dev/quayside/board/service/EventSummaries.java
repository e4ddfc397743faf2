package dev.quayside.board.service;

import dev.quayside.events.BuildFinished;
import dev.quayside.events.BuildQueued;
import dev.quayside.events.BuildStarted;
import dev.quayside.events.CommitPushed;
import dev.quayside.events.ConfigSynced;
import dev.quayside.events.ContainerStarted;
import dev.quayside.events.ContainerStopped;
import dev.quayside.events.DeploymentFailed;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.EventType;
import dev.quayside.events.ImageBuilt;
import dev.quayside.events.PipelineEvent;
import dev.quayside.events.PromotionApproved;
import dev.quayside.events.PromotionRequested;
import dev.quayside.events.PromotionWaiting;
import dev.quayside.events.PromotionFailed;
import dev.quayside.events.Promoted;
import dev.quayside.events.RoutesUpdated;
import dev.quayside.events.ServiceDeployed;
import dev.quayside.events.ServiceRemoved;
import dev.quayside.events.ServiceRolledBack;
import dev.quayside.events.ServiceUpgraded;
import dev.quayside.events.TagUpdated;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Short names of the event types and one-line summaries of events, as the API, the page and the CLI show them. */
public final class EventSummaries {

    private EventSummaries() {
    }

    /** {@code BUILD_FINISHED} becomes {@code build-finished}. */
    public static String name(EventType type) {
        return type.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Every short name, in the contract's order. */
    public static List<String> names() {
        return Arrays.stream(EventType.values()).map(EventSummaries::name).toList();
    }

    /**
     * The types a filter names: a short name ({@code build-finished}), a wire type
     * ({@code dev.cdevents.build.finished.0.3.0}) or a topic ({@code quayside.builds} or {@code builds}).
     */
    public static Optional<List<EventType>> typesOf(String filter) {
        String f = filter.trim();
        List<EventType> matching = Arrays.stream(EventType.values())
                .filter(t -> name(t).equals(f) || t.wireType().equals(f) || t.topic().equals(f)
                        || t.topic().equals("quayside." + f))
                .toList();
        return matching.isEmpty() ? Optional.empty() : Optional.of(matching);
    }

    /** One line saying what happened. */
    public static String summary(EventEnvelope<?> event) {
        PipelineEvent data = event.data();
        if (data instanceof CommitPushed e) {
            return e.repository() + " " + e.refName() + " " + ChainRecord.shortSha(e.after()) + ": "
                    + e.change().name().toLowerCase(Locale.ROOT).replace('_', ' ') + ", " + e.commits().size()
                    + " commit(s) via " + e.hostKind();
        }
        if (data instanceof BuildQueued e) {
            return e.app() + " build " + e.buildId() + " queued";
        }
        if (data instanceof BuildStarted e) {
            return e.app() + " build " + e.buildId() + " started";
        }
        if (data instanceof BuildFinished e) {
            return e.app() + " build " + e.buildId() + " " + e.outcome().wire() + " in "
                    + ChainRecord.millis(e.durationMs()) + (e.reason() == null ? "" : ": " + e.reason());
        }
        if (data instanceof ImageBuilt e) {
            return e.app() + " image " + e.pinnedReference() + (e.reused() ? " (already in the registry)" : "");
        }
        if (data instanceof TagUpdated e) {
            return e.app() + " " + e.outcome() + (e.commitWritten() == null ? "" : " config commit "
                    + ChainRecord.shortSha(e.commitWritten())) + " in " + e.configRepository() + " ("
                    + e.filesChanged() + " file(s))" + (e.reason() == null ? "" : ": " + e.reason());
        }
        if (data instanceof ConfigSynced e) {
            return e.summary() + (e.reason() == null ? "" : ": " + e.reason());
        }
        if (data instanceof ServiceDeployed e) {
            return e.deployment().app() + " deployed in " + e.deployment().environment() + " ("
                    + e.deployment().targetId() + ", new)";
        }
        if (data instanceof ServiceUpgraded e) {
            return e.deployment().app() + " upgraded in " + e.deployment().environment() + " ("
                    + e.deployment().targetId() + (e.unchanged() ? ", unchanged" : "") + ")";
        }
        if (data instanceof ServiceRolledBack e) {
            return e.deployment().app() + " rolled back in " + e.deployment().environment() + " to "
                    + e.toVersion() + ": " + e.reason();
        }
        if (data instanceof ServiceRemoved e) {
            return e.deployment().app() + " removed from " + e.deployment().environment();
        }
        if (data instanceof DeploymentFailed e) {
            return e.deployment().app() + " failed in " + e.deployment().environment() + " (" + e.reason() + "): "
                    + e.message();
        }
        if (data instanceof ContainerStarted e) {
            return e.container().serviceName() + " registered at " + e.container().address() + ":"
                    + e.container().port() + " (" + e.container().serviceId() + ")";
        }
        if (data instanceof ContainerStopped e) {
            return e.container().serviceName() + " deregistered (" + e.container().serviceId() + ")"
                    + (e.exitCode() == null ? "" : ", exit " + e.exitCode());
        }
        if (data instanceof Promoted e) {
            return e.app() + " promoted from " + e.fromEnvironment() + " to " + e.toEnvironment() + ": " + e.image()
                    + (e.configCommit() == null ? "" : " (config commit " + shortSha(e.configCommit()) + ")");
        }
        if (data instanceof PromotionWaiting e) {
            return e.app() + " waits to be promoted from " + e.fromEnvironment() + " to " + e.toEnvironment() + " ("
                    + String.join(", ", e.gates() == null ? List.of() : e.gates()) + "): " + e.image();
        }
        if (data instanceof PromotionRequested e) {
            return e.app() + " asks to be promoted from " + e.fromEnvironment() + " to " + e.toEnvironment()
                    + (e.gates() == null || e.gates().isEmpty() ? "" : " (gates: " + String.join(", ", e.gates())
                            + ")") + ": " + e.image();
        }
        if (data instanceof PromotionApproved e) {
            return e.app() + " approved" + (e.approvedBy() == null ? "" : " by " + e.approvedBy()) + " for "
                    + e.toEnvironment() + (e.gates() == null || e.gates().isEmpty() ? "" : " (still waiting: "
                    + String.join(", ", e.gates()) + ")") + ": " + e.image();
        }
        if (data instanceof PromotionFailed e) {
            return e.app() + " not promoted from " + e.fromEnvironment() + " to " + e.toEnvironment() + " ("
                    + e.reason() + ")" + (e.message() == null ? "" : ": " + e.message());
        }
        if (data instanceof RoutesUpdated e) {
            return "routes " + e.outcome() + " on " + e.instance() + " (" + size(e.routes()) + " route(s))"
                    + (e.message() == null ? "" : ": " + e.message());
        }
        return event.type().wireType();
    }

    private static String shortSha(String sha) {
        return sha.length() > 7 ? sha.substring(0, 7) : sha;
    }

    private static int size(List<?> list) {
        return list == null ? 0 : list.size();
    }
}
