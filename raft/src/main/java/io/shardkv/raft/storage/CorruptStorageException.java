package io.shardkv.raft.storage;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Durable state that cannot be trusted: a record that fails its checksum or breaks the log's
 * structure anywhere but in a torn final write. The node must not start on it; the message names
 * the file and the byte offset so an operator can inspect it.
 */
public final class CorruptStorageException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long offset;

    public CorruptStorageException(Path file, long offset, String reason) {
        super(file + " at offset " + offset + ": " + reason);
        this.file = file;
        this.offset = offset;
    }

    public Path file() {
        return file;
    }

    public long offset() {
        return offset;
    }
}
