package io.shardkv.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for a local cluster to become ready while watching the processes just started: one that
 * exits meanwhile (a bad flag, a data directory it refuses, a missing library) fails the wait at
 * once, named with the last line its log explains, instead of after the readiness timeout.
 */
final class StartupWatch {

    private static final long POLL_MILLIS = 250;

    private StartupWatch() {
    }

    /**
     * Runs {@code ready} (on another thread) and answers its result, unless one of {@code started}
     * exits first or has exited when it is done: a cluster that serves without one of the processes
     * asked for has not started as asked.
     */
    static <T> T await(LocalLayout layout, List<LocalLayout.Process> started, Callable<T> ready) throws Exception {
        CompletableFuture<T> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return ready.call();
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        while (true) {
            try {
                T result = waiting.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
                failIfAnyExited(layout, started);
                return result;
            } catch (ExecutionException e) {
                failIfAnyExited(layout, started);
                throw e.getCause() instanceof Exception cause ? cause : e;
            } catch (TimeoutException stillWaiting) {
                failIfAnyExited(layout, started);
            }
        }
    }

    private static void failIfAnyExited(LocalLayout layout, List<LocalLayout.Process> started) throws IOException {
        List<String> exited = exited(layout, started);
        if (!exited.isEmpty()) {
            throw new IllegalStateException(String.join("; ", exited));
        }
    }

    private static List<String> exited(LocalLayout layout, List<LocalLayout.Process> started) throws IOException {
        List<String> exited = new ArrayList<>();
        for (LocalLayout.Process p : started) {
            if (LocalCommand.running(layout, p).isEmpty()) {
                Path log = layout.logFile(p);
                exited.add(p.name() + " exited during start-up (" + log + ": " + lastExplanation(log) + ")");
            }
        }
        return exited;
    }

    /**
     * The log's last line that is not a stack frame (frames and "... n more" are indented): a
     * server's own one-line error, or the exception that ended it.
     */
    static String lastExplanation(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--) {
                String line = lines.get(i);
                if (!line.isBlank() && !Character.isWhitespace(line.charAt(0))) {
                    return line.strip();
                }
            }
            return "its log is empty";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + log, e);
        }
    }
}
