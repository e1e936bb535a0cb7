package io.shardkv.rpc.tls;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * A value read from files and read again when they change, without a restart: the files' times
 * and sizes are looked at again at most once a second, when the value is asked for. A change that
 * cannot be read is logged once and the value in use is kept. Thread-safe.
 */
final class ReloadedFiles<T> {

    /** Reads the value from the files; an IOException names the file and the problem. */
    @FunctionalInterface
    interface Reader<T> {
        T read() throws IOException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(ReloadedFiles.class);
    private static final long RECHECK_NANOS = 1_000_000_000L;

    private final String what;
    private final List<Path> files;
    private final Reader<T> reader;
    private final Consumer<T> reloaded;
    private volatile T value;
    private volatile String stamp;
    private volatile long checkedAt;
    private volatile String failedStamp;

    private ReloadedFiles(String what, List<Path> files, Reader<T> reader, Consumer<T> reloaded, T value, String stamp) {
        this.what = what;
        this.files = files;
        this.reader = reader;
        this.reloaded = reloaded;
        this.value = value;
        this.stamp = stamp;
        this.checkedAt = System.nanoTime();
    }

    /**
     * Reads the value now.
     *
     * @param what     the files in words, for the log ("TLS files", "token file x")
     * @param reloaded told of each value read after a change
     */
    static <T> ReloadedFiles<T> read(String what, List<Path> files, Reader<T> reader, Consumer<T> reloaded)
            throws IOException {
        String stamp = stamp(files);
        return new ReloadedFiles<>(what, List.copyOf(files), reader, reloaded, reader.read(), stamp);
    }

    /** The value, read again first if the files changed (looked at at most once a second). */
    T current() {
        long now = System.nanoTime();
        if (now - checkedAt >= RECHECK_NANOS) {
            checkedAt = now;
            readIfChanged();
        }
        return value;
    }

    private synchronized void readIfChanged() {
        String now;
        try {
            now = stamp(files);
        } catch (IOException e) {
            now = "unreadable: " + e.getMessage();
        }
        if (now.equals(stamp) || now.equals(failedStamp)) {
            return;
        }
        try {
            T fresh = reader.read();
            value = fresh;
            stamp = now;
            failedStamp = null;
            reloaded.accept(fresh);
        } catch (IOException | RuntimeException e) {
            failedStamp = now;
            LOG.warn("{} changed but cannot be used, keeping what is in use: {}", what, e.getMessage());
        }
    }

    /** What the files are now: a change of any of them is a change of this. */
    private static String stamp(List<Path> files) throws IOException {
        StringBuilder s = new StringBuilder();
        for (Path file : files) {
            s.append(file).append('@').append(Files.getLastModifiedTime(file).toMillis()).append('/')
                    .append(Files.size(file)).append(';');
        }
        return s.toString();
    }
}
