package io.shardkv.raft.core;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Test access to a snapshot's bytes as one array (production code never needs them whole). */
public final class SnapshotBytes {

    private SnapshotBytes() {
    }

    public static byte[] of(SnapshotData data) {
        return data.read(0, Math.toIntExact(data.size()));
    }

    public static byte[] of(Snapshot snapshot) {
        return of(snapshot.data());
    }

    /** Writes {@code image} out now, into memory. */
    public static byte[] write(SnapshotImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            image.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
