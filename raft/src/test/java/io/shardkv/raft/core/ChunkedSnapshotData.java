package io.shardkv.raft.core;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** Snapshot bytes held in memory as a list of arrays (as they arrived, chunk by chunk). */
final class ChunkedSnapshotData implements SnapshotData {

    private final List<byte[]> chunks;
    /** {@code starts[i]} is the offset of {@code chunks.get(i)}; one extra slot holds the size. */
    private final long[] starts;

    ChunkedSnapshotData(List<byte[]> chunks) {
        this.chunks = List.copyOf(chunks);
        this.starts = new long[this.chunks.size() + 1];
        for (int i = 0; i < this.chunks.size(); i++) {
            starts[i + 1] = starts[i] + this.chunks.get(i).length;
        }
    }

    @Override
    public long size() {
        return starts[chunks.size()];
    }

    @Override
    public byte[] read(long offset, int length) {
        if (offset < 0 || length < 0 || offset + length > size()) {
            throw new IndexOutOfBoundsException("bytes [" + offset + ", " + (offset + length) + ") of a snapshot of "
                    + size());
        }
        byte[] out = new byte[length];
        int i = Arrays.binarySearch(starts, offset);
        i = i >= 0 ? i : -i - 2;
        int copied = 0;
        while (copied < length) {
            byte[] chunk = chunks.get(i);
            int from = (int) (offset + copied - starts[i]);
            int n = Math.min(chunk.length - from, length - copied);
            System.arraycopy(chunk, from, out, copied, n);
            copied += n;
            i++;
        }
        return out;
    }

    @Override
    public InputStream open() {
        return new SequenceInputStream(Collections.enumeration(chunks.stream()
                .<InputStream>map(ByteArrayInputStream::new).toList()));
    }

    @Override
    public String toString() {
        return size() + "B in " + chunks.size() + " chunks";
    }
}
