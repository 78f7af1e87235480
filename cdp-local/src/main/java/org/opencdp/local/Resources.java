package org.opencdp.local;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;

/**
 * What the launcher started, closed in reverse order exactly once: by the shutdown hook (Ctrl-C,
 * SIGTERM) or after a failed start. Something added while closing is closed at once, so a start
 * that finishes during shutdown leaves nothing behind.
 */
final class Resources {

    private record Named(String name, AutoCloseable resource) {
    }

    private final Deque<Named> started = new ArrayDeque<>();
    private final Consumer<String> progress;
    private boolean closing;

    Resources(Consumer<String> progress) {
        this.progress = progress;
    }

    <T extends AutoCloseable> T add(String name, T resource) {
        boolean closeNow;
        synchronized (this) {
            closeNow = closing;
            if (!closeNow) {
                started.push(new Named(name, resource));
            }
        }
        if (closeNow) {
            close(new Named(name, resource));
        }
        return resource;
    }

    /** Whether {@link #closeAll()} has run (or runs now). */
    synchronized boolean closing() {
        return closing;
    }

    /** Closes everything added so far, last first; later calls do nothing. */
    void closeAll() {
        while (true) {
            Named next;
            synchronized (this) {
                closing = true;
                next = started.poll();
            }
            if (next == null) {
                return;
            }
            close(next);
        }
    }

    private void close(Named named) {
        progress.accept("Stopping " + named.name() + "…");
        try {
            named.resource().close();
        } catch (Exception e) {
            progress.accept("Could not stop " + named.name() + " cleanly: " + e.getMessage());
        }
    }
}
