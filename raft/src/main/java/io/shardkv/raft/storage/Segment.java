package io.shardkv.raft.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/** One write-ahead log file: the entries from {@code firstIndex} on, and where each record starts. */
final class Segment {

    private static final String PREFIX = "wal-";
    private static final String SUFFIX = ".log";

    final Path path;
    final long firstIndex;
    private FileChannel channel;
    long size;
    private long[] offsets;
    private int count;

    Segment(Path path, long firstIndex, long size, long[] offsets) {
        this.path = path;
        this.firstIndex = firstIndex;
        this.size = size;
        this.offsets = offsets.length == 0 ? new long[16] : offsets;
        this.count = offsets.length;
    }

    static Path path(Path dir, long firstIndex) {
        return dir.resolve(String.format("%s%020d%s", PREFIX, firstIndex, SUFFIX));
    }

    static boolean isSegment(Path p) {
        String n = p.getFileName().toString();
        return n.startsWith(PREFIX) && n.endsWith(SUFFIX) && n.length() == PREFIX.length() + 20 + SUFFIX.length();
    }

    static long firstIndexOf(Path p) {
        String n = p.getFileName().toString();
        return Long.parseLong(n.substring(PREFIX.length(), n.length() - SUFFIX.length()));
    }

    int count() {
        return count;
    }

    /** Index of the last entry, or {@code firstIndex - 1} when the segment holds none. */
    long lastIndex() {
        return firstIndex + count - 1;
    }

    boolean contains(long index) {
        return index >= firstIndex && index <= lastIndex();
    }

    long offsetOf(long index) {
        return offsets[(int) (index - firstIndex)];
    }

    void addOffset(long offset) {
        if (count == offsets.length) {
            offsets = Arrays.copyOf(offsets, offsets.length * 2);
        }
        offsets[count++] = offset;
    }

    /** Keeps only entries before {@code index}. */
    void dropFrom(long index) {
        count = (int) (index - firstIndex);
    }

    FileChannel channel() throws IOException {
        if (channel == null) {
            channel = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.READ);
        }
        return channel;
    }

    boolean isOpen() {
        return channel != null;
    }

    void close() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }
}
