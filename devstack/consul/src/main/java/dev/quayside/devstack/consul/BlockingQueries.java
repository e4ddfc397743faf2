package dev.quayside.devstack.consul;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Consul's blocking queries: {@code ?index=N&wait=D}. A read whose index is not past N waits until a write touching
 * what it reads (its key, prefix or service) moves the index past N, or until {@code wait} (default 5m, at most 10m)
 * plus a random jitter of up to wait/16 has passed; then it answers with the current result either way.
 */
final class BlockingQueries {

    static final long DEFAULT_WAIT_NANOS = TimeUnit.MINUTES.toNanos(5);
    static final long MAX_WAIT_NANOS = TimeUnit.MINUTES.toNanos(10);
    /** Consul's {@code structs.JitterFraction}. */
    private static final int JITTER_FRACTION = 16;

    private final Vertx vertx;
    private final ConsulState state;

    BlockingQueries(Vertx vertx, ConsulState state) {
        this.vertx = vertx;
        this.state = state;
    }

    /**
     * Answers the read, blocking first when {@code ?index} asks for it.
     *
     * @param interest which committed changes may move this read's index
     * @param query runs under the state lock and computes the current answer
     */
    void serve(RoutingContext ctx, Predicate<Change> interest, Supplier<QueryResult> query) {
        long minIndex;
        long waitNanos;
        try {
            String wait = ctx.request().getParam("wait");
            waitNanos = wait == null || wait.isEmpty() ? 0 : GoDuration.parse(wait);
        } catch (IllegalArgumentException e) {
            Replies.text(ctx, 400, "Invalid wait time");
            return;
        }
        try {
            String index = ctx.request().getParam("index");
            minIndex = index == null || index.isEmpty() ? 0 : Long.parseUnsignedLong(index);
        } catch (NumberFormatException e) {
            Replies.text(ctx, 400, "Invalid index");
            return;
        }
        QueryResult first = state.read(query);
        if (minIndex == 0 || Long.compareUnsigned(index(first), minIndex) > 0) {
            Replies.query(ctx, first, index(first));
            return;
        }
        if (waitNanos <= 0) {
            waitNanos = DEFAULT_WAIT_NANOS;
        }
        waitNanos = Math.min(waitNanos, MAX_WAIT_NANOS);
        long jitter = ThreadLocalRandom.current().nextLong(waitNanos / JITTER_FRACTION + 1);
        long delayMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos + jitter));
        new Waiter(ctx, vertx.getOrCreateContext(), interest, query, minIndex).start(delayMillis);
    }

    private static long index(QueryResult result) {
        return Math.max(1, result.index());
    }

    private final class Waiter implements Consumer<Change> {
        private final RoutingContext ctx;
        private final Context context;
        private final Predicate<Change> interest;
        private final Supplier<QueryResult> query;
        private final long minIndex;
        private long timerId = -1;
        private boolean done;

        Waiter(RoutingContext ctx, Context context, Predicate<Change> interest, Supplier<QueryResult> query,
                long minIndex) {
            this.ctx = ctx;
            this.context = context;
            this.interest = interest;
            this.query = query;
            this.minIndex = minIndex;
        }

        void start(long delayMillis) {
            state.addListener(this);
            timerId = vertx.setTimer(delayMillis, id -> finish(state.read(query)));
            ctx.response().closeHandler(v -> cancel());
            // a write may have landed between the first read and the registration
            evaluate();
        }

        @Override
        public void accept(Change change) {
            if (interest.test(change)) {
                context.runOnContext(v -> evaluate());
            }
        }

        private void evaluate() {
            if (done) {
                return;
            }
            QueryResult now = state.read(query);
            if (Long.compareUnsigned(index(now), minIndex) > 0) {
                finish(now);
            }
        }

        private void finish(QueryResult result) {
            if (done) {
                return;
            }
            cancel();
            if (!ctx.response().closed() && !ctx.response().ended()) {
                Replies.query(ctx, result, index(result));
            }
        }

        private void cancel() {
            done = true;
            state.removeListener(this);
            if (timerId >= 0) {
                vertx.cancelTimer(timerId);
            }
        }
    }
}
