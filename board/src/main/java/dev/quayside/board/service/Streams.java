package dev.quayside.board.service;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.MultiEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The live streams behind the SSE endpoints. Each subscribes to {@link LiveUpdates} and takes its snapshot under the
 * view's lock, so it sends the snapshot first and then every later change, with nothing missed in between.
 */
@ApplicationScoped
public class Streams {

    private final BoardView view;
    private final LiveUpdates live;

    Streams(BoardView view, LiveUpdates live) {
        this.view = view;
        this.live = live;
    }

    /** Every chain, app and failure change, for the page. */
    public Multi<LiveUpdates.Update> board() {
        Set<String> kinds = Set.of("chain", "app", "failure");
        return follow(emitter -> {
        }, u -> kinds.contains(u.kind()), u -> false);
    }

    /**
     * One chain: its current state (when it exists), then each change, until it reaches a final status. With a null
     * {@code chainId}, the newest chain of {@code repository} whose commit starts with {@code commitPrefix}, also one that
     * does not exist yet.
     */
    public Multi<LiveUpdates.Update> chain(String chainId, String repository, String commitPrefix) {
        String[] followed = {chainId};
        return follow(emitter -> {
            Views.Chain now = chainId != null ? view.chain(chainId)
                    : view.chains(repository, commitPrefix, 1).stream().findFirst().orElse(null);
            if (now != null) {
                followed[0] = now.id();
                emitter.emit(new LiveUpdates.Update("chain", now.id(), now));
                if (now.finished()) {
                    emitter.complete();
                }
            }
        }, u -> {
            if (!"chain".equals(u.kind())) {
                return false;
            }
            if (followed[0] == null && BoardView.matches((Views.Chain) u.data(), repository, commitPrefix)) {
                followed[0] = u.id();
            }
            return u.id().equals(followed[0]);
        }, u -> ((Views.Chain) u.data()).finished());
    }

    /** A build's log: what is kept of it, then each new line, until its build finished. */
    public Multi<LiveUpdates.Update> log(String buildId) {
        AtomicLong last = new AtomicLong();
        return follow(emitter -> {
            Views.BuildLog log = view.buildLog(buildId);
            if (log != null) {
                long number = log.firstLine();
                for (String line : log.lines()) {
                    emitter.emit(new LiveUpdates.Update("log", buildId, new Views.LogLine(buildId, number++, line)));
                }
                last.set(number - 1);
            }
            if (view.buildFinished(buildId)) {
                emitter.emit(new LiveUpdates.Update("log-end", buildId, buildId));
                emitter.complete();
            }
        }, u -> u.id().equals(buildId) && ("log-end".equals(u.kind())
                || "log".equals(u.kind()) && ((Views.LogLine) u.data()).number() > last.get()),
                u -> "log-end".equals(u.kind()));
    }

    /** Events of {@code types} (null: all): the newest {@code backlog} kept, then each new one. */
    public Multi<LiveUpdates.Update> events(Set<String> types, int backlog) {
        return follow(emitter -> {
            List<Views.Event> recent = view.events(types, backlog);
            recent.forEach(e -> emitter.emit(new LiveUpdates.Update("event", e.id(), e)));
        }, u -> "event".equals(u.kind()) && (types == null || types.contains(((Views.Event) u.data()).name())),
                u -> false);
    }

    private Multi<LiveUpdates.Update> follow(Consumer<MultiEmitter<? super LiveUpdates.Update>> snapshot,
            Predicate<LiveUpdates.Update> wanted, Predicate<LiveUpdates.Update> last) {
        return Multi.createFrom().emitter(emitter -> {
            Cancellable subscription = view.locked(() -> {
                Cancellable s = live.stream().subscribe().with(update -> {
                    if (wanted.test(update)) {
                        emitter.emit(update);
                        if (last.test(update)) {
                            emitter.complete();
                        }
                    }
                }, emitter::fail, emitter::complete);
                snapshot.accept(emitter);
                return s;
            });
            emitter.onTermination(subscription::cancel);
        });
    }
}
