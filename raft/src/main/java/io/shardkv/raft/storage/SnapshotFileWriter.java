package io.shardkv.raft.storage;

import io.shardkv.raft.core.SnapshotMeta;
import io.shardkv.raft.core.SnapshotSpool;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * Writes one snapshot file in {@link SnapshotFiles}' layout, streaming: the header when opened, the
 * data as it comes, the length and checksum at {@link #finish}. Writes go to a temporary file that
 * only {@link SnapshotFiles#install} puts in place. It is also how a node spools a snapshot its
 * leader sends (chunks {@link #append}ed as they arrive), so I/O errors are unchecked here.
 */
final class SnapshotFileWriter implements SnapshotSpool.Receiving {

    private static final int IO_BUFFER = 1 << 16;

    private final Path temp;
    private final SnapshotMeta meta;
    private final FileChannel channel;
    private final CRC32C crc = new CRC32C();
    private final BufferedOutputStream buffered;
    private final DataOutputStream checked;
    private final OutputStream data;
    private boolean finished;

    SnapshotFileWriter(Path dir, SnapshotMeta meta) throws IOException {
        this.meta = meta;
        this.temp = SnapshotFiles.temporaryPath(dir, meta.index());
        this.channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        this.buffered = new BufferedOutputStream(Channels.newOutputStream(channel), IO_BUFFER);
        this.checked = new DataOutputStream(new CheckedOutputStream(buffered, crc));
        // The image's writer may close what it is given; the file is closed here, not there.
        this.data = new FilterOutputStream(checked) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
        try {
            SnapshotFiles.writeHeader(checked, meta);
        } catch (IOException | RuntimeException e) {
            channel.close();
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /** Where the data goes. */
    OutputStream data() {
        return data;
    }

    @Override
    public void append(byte[] chunk) {
        try {
            data.write(chunk);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + temp, e);
        }
    }

    /** Ends the file (length, checksum) and returns its data, read through this writer's channel. */
    @Override
    public FileSnapshotData finish() {
        try {
            checked.flush();
            long length = channel.position() - SnapshotFiles.headerBytes(meta);
            checked.writeLong(length);
            checked.flush();
            new DataOutputStream(buffered).writeInt((int) crc.getValue());
            buffered.flush();
            finished = true;
            return new FileSnapshotData(temp, channel, SnapshotFiles.headerBytes(meta), length);
        } catch (IOException e) {
            throw new UncheckedIOException("finishing " + temp, e);
        }
    }

    /** Closes and deletes the temporary file. */
    @Override
    public void abort() {
        try {
            channel.close();
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            throw new UncheckedIOException("deleting " + temp, e);
        }
    }

    boolean finished() {
        return finished;
    }
}
