package io.shardkv.raft.storage;

import io.shardkv.raft.core.SnapshotData;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Snapshot bytes in a snapshot file, read where they lie. The channel stays open for as long as
 * the data is referenced — a leader may still be sending this image after a newer snapshot
 * replaced (and deleted) its file — and is closed by the JDK's cleaner once it is not.
 */
final class FileSnapshotData implements SnapshotData {

    private final Path file;
    private final FileChannel channel;
    private final long start;
    private final long size;

    FileSnapshotData(Path file, FileChannel channel, long start, long size) {
        this.file = file;
        this.channel = channel;
        this.start = start;
        this.size = size;
    }

    Path file() {
        return file;
    }

    FileChannel channel() {
        return channel;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public byte[] read(long offset, int length) {
        if (offset < 0 || length < 0 || offset + length > size) {
            throw new IndexOutOfBoundsException("bytes [" + offset + ", " + (offset + length) + ") of a snapshot of "
                    + size);
        }
        ByteBuffer buf = ByteBuffer.allocate(length);
        try {
            SnapshotFiles.readFully(channel, start + offset, buf);
        } catch (IOException e) {
            throw new UncheckedIOException("reading snapshot " + file, e);
        }
        return buf.array();
    }

    @Override
    public InputStream open() {
        return new InputStream() {
            private static final int BUFFER = 1 << 16;
            private final ByteBuffer buf = ByteBuffer.allocate(BUFFER).limit(0);
            private long next;

            @Override
            public int read() throws IOException {
                return fill() ? buf.get() & 0xFF : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                if (!fill()) {
                    return -1;
                }
                int n = Math.min(len, buf.remaining());
                buf.get(b, off, n);
                return n;
            }

            /** All that is left, so readers can check a length field before allocating for it. */
            @Override
            public int available() {
                return (int) Math.min(Integer.MAX_VALUE, buf.remaining() + size - next);
            }

            private boolean fill() throws IOException {
                if (buf.hasRemaining()) {
                    return true;
                }
                if (next == size) {
                    return false;
                }
                buf.clear().limit((int) Math.min(BUFFER, size - next));
                SnapshotFiles.readFully(channel, start + next, buf);
                next += buf.flip().remaining();
                return true;
            }
        };
    }

    @Override
    public String toString() {
        return size + "B in " + file.getFileName();
    }
}
