package dev.quayside.devstack.common;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting for something that is being shut down, where a failure or a timeout changes nothing for the caller. */
public final class BestEffort {

    private BestEffort() {
    }

    /** Waits up to {@code seconds} for the stage; keeps the interrupt flag when interrupted. */
    public static void await(CompletionStage<?> stage, long seconds) {
        try {
            stage.toCompletableFuture().get(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // shutting down anyway
        }
    }
}
