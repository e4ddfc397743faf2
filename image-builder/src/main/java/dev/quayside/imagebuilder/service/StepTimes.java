package dev.quayside.imagebuilder.service;

import java.util.concurrent.TimeUnit;

/** How long each preparation step of a build took, for the build log ("fetch 12 ms, settings 3 ms, ..."). */
final class StepTimes {

    private final StringBuilder text = new StringBuilder();
    private long last = System.nanoTime();

    /** Ends {@code step}; returns how long it took, in nanoseconds. */
    long mark(String step) {
        long now = System.nanoTime();
        long took = now - last;
        text.append(text.length() == 0 ? "" : ", ").append(step).append(' ')
                .append(TimeUnit.NANOSECONDS.toMillis(took)).append(" ms");
        last = now;
        return took;
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
