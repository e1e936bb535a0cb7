package io.shardkv.raft.storage;

import io.shardkv.raft.core.Entry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * One write-ahead log record:
 * <pre>
 *   length (4) | crc (4) | type (1) | term (8) | index (8) | payload (length - 17)
 * </pre>
 * {@code length} counts the bytes after the checksum; the CRC32C covers the length field and those
 * bytes, so a damaged length is caught like damaged content. Big-endian throughout. Every segment
 * starts with a {@link #HEADER} record whose index is the first entry index the segment holds.
 */
final class WalRecord {

    static final byte HEADER = 0;
    static final byte COMMAND = 1;
    static final byte NOOP = 2;
    static final byte CONFIG = 3;

    static final int PREFIX_BYTES = 8;
    static final int MIN_BODY_BYTES = 1 + 8 + 8;
    private static final byte[] MAGIC = "SKVWAL01".getBytes(StandardCharsets.US_ASCII);

    private WalRecord() {
    }

    static int size(Entry e) {
        return PREFIX_BYTES + MIN_BODY_BYTES + e.data().length;
    }

    static int headerSize() {
        return PREFIX_BYTES + MIN_BODY_BYTES + MAGIC.length;
    }

    static void writeEntry(ByteBuffer buf, Entry e) {
        write(buf, type(e.kind()), e.term(), e.index(), e.data());
    }

    private static byte type(Entry.Kind kind) {
        return switch (kind) {
            case COMMAND -> COMMAND;
            case NOOP -> NOOP;
            case CONFIG -> CONFIG;
        };
    }

    /** The entry a record of {@code type} (not {@link #HEADER}) holds. */
    static Entry entry(byte type, long index, long term, byte[] data) {
        return switch (type) {
            case COMMAND -> Entry.command(index, term, data);
            case NOOP -> Entry.noop(index, term);
            case CONFIG -> new Entry(index, term, Entry.Kind.CONFIG, data);
            default -> throw new IllegalArgumentException("record type " + type + " holds no entry");
        };
    }

    static boolean isEntry(byte type) {
        return type == COMMAND || type == NOOP || type == CONFIG;
    }

    static void writeHeader(ByteBuffer buf, long firstIndex) {
        write(buf, HEADER, 0, firstIndex, MAGIC);
    }

    private static void write(ByteBuffer buf, byte type, long term, long index, byte[] payload) {
        int start = buf.position();
        buf.putInt(MIN_BODY_BYTES + payload.length);
        buf.putInt(0);
        buf.put(type).putLong(term).putLong(index).put(payload);
        int end = buf.position();
        buf.putInt(start + 4, checksum(buf, start, end));
    }

    /** CRC32C of the length field and the body of the record spanning [start, end) in {@code buf}. */
    static int checksum(ByteBuffer buf, int start, int end) {
        CRC32C crc = new CRC32C();
        crc.update(buf.duplicate().position(start).limit(start + 4));
        crc.update(buf.duplicate().position(start + PREFIX_BYTES).limit(end));
        return (int) crc.getValue();
    }

    static boolean hasMagic(ByteBuffer buf, int payloadStart, int payloadLength) {
        if (payloadLength != MAGIC.length) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (buf.get(payloadStart + i) != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }
}
