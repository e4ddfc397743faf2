package dev.quayside.imagebuilder.client;

import java.io.Closeable;
import java.io.IOException;

/**
 * Lets a watchdog stop a running build: closing the engine's response stream makes dockerd cancel the build (and
 * remove its intermediate container), and the waiting thread is interrupted.
 */
public final class Abort {

    private boolean aborted;
    private Closeable current;
    private Thread worker;

    /** The thread doing the work; interrupted on {@link #abort()}. */
    public synchronized void bind(Thread thread) {
        this.worker = thread;
    }

    /** The stream to close on {@link #abort()}; closed at once when already aborted. */
    synchronized void watch(Closeable stream) {
        if (aborted) {
            closeQuietly(stream);
        } else {
            current = stream;
        }
    }

    synchronized void unwatch() {
        current = null;
    }

    public synchronized void abort() {
        if (aborted) {
            return;
        }
        aborted = true;
        if (current != null) {
            closeQuietly(current);
        }
        if (worker != null) {
            worker.interrupt();
        }
    }

    public synchronized boolean aborted() {
        return aborted;
    }

    private static void closeQuietly(Closeable stream) {
        try {
            stream.close();
        } catch (IOException | RuntimeException e) {
            // closing is best effort; the build is being abandoned
        }
    }
}
