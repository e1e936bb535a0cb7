package io.shardkv.raft.core;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A state machine's state captured at one applied index, not yet written out. Capturing is cheap
 * and happens on the node's thread; {@link #writeTo} runs later on another thread, while the state
 * machine goes on applying, so the capture must not share anything the state machine still changes.
 */
@FunctionalInterface
public interface SnapshotImage {

    /** Writes the image; called once, on a thread other than the node's. */
    void writeTo(OutputStream out) throws IOException;

    /** An image already serialized (a small state, copied whole on the node's thread). */
    static SnapshotImage of(byte[] bytes) {
        return out -> out.write(bytes);
    }
}
