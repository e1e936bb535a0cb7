package io.shardkv.raft.storage;

import io.shardkv.raft.core.Entry;
import io.shardkv.raft.core.confchange.MembershipCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads one segment file back during recovery, validating every record. A record cut short by the
 * end of the <em>last</em> segment, or a tail of zero bytes there, is a torn final write: the scan
 * stops before it and reports where the valid data ends. Anything else that is wrong — a checksum
 * mismatch on a complete record, a broken sequence of indexes or terms, a short record in an
 * earlier segment — is corruption, reported with the file and offset.
 */
final class SegmentScanner {

    /** What a segment holds. {@code validBytes < fileBytes} means a torn tail to cut off. */
    record Result(List<Entry> entries, long[] offsets, long validBytes, long fileBytes, boolean hasHeader) {
    }

    private SegmentScanner() {
    }

    /**
     * @param firstIndex the first entry index the file name promises
     * @param previousTerm term of the entry before {@code firstIndex} if known, else 0
     * @param last whether this is the newest segment (the only place a torn write can be)
     */
    static Result scan(Path file, long firstIndex, long previousTerm, boolean last) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        List<Entry> entries = new ArrayList<>();
        long[] offsets = new long[16];
        int pos = 0;
        boolean hasHeader = false;
        long expectedIndex = firstIndex;
        long lastTerm = previousTerm;
        while (pos < bytes.length) {
            int remaining = bytes.length - pos;
            int length = remaining >= 4 ? buf.getInt(pos) : -1;
            boolean complete = remaining >= WalRecord.PREFIX_BYTES && length >= WalRecord.MIN_BODY_BYTES
                    && length <= remaining - WalRecord.PREFIX_BYTES;
            if (!complete) {
                if (last && (isTruncated(remaining, length) || allZero(bytes, pos))) {
                    break;
                }
                throw new CorruptStorageException(file, pos, describeIncomplete(remaining, length, last));
            }
            int end = pos + WalRecord.PREFIX_BYTES + length;
            if (WalRecord.checksum(buf, pos, end) != buf.getInt(pos + 4)) {
                if (last && allZero(bytes, pos)) {
                    break;
                }
                throw new CorruptStorageException(file, pos, "record checksum mismatch");
            }
            int body = pos + WalRecord.PREFIX_BYTES;
            byte type = buf.get(body);
            long term = buf.getLong(body + 1);
            long index = buf.getLong(body + 9);
            int payloadStart = body + WalRecord.MIN_BODY_BYTES;
            int payloadLength = length - WalRecord.MIN_BODY_BYTES;
            if (!hasHeader) {
                if (type != WalRecord.HEADER || !WalRecord.hasMagic(buf, payloadStart, payloadLength)) {
                    throw new CorruptStorageException(file, pos, "segment does not start with a header record");
                }
                if (index != firstIndex) {
                    throw new CorruptStorageException(file, pos, "segment header says first index " + index
                            + " but the file name says " + firstIndex);
                }
                hasHeader = true;
            } else {
                if (!WalRecord.isEntry(type)) {
                    throw new CorruptStorageException(file, pos, "unknown record type " + type);
                }
                if (index != expectedIndex) {
                    throw new CorruptStorageException(file, pos, "entry index " + index + " where " + expectedIndex
                            + " was expected");
                }
                if (term < lastTerm || term < 1) {
                    throw new CorruptStorageException(file, pos, "entry " + index + " has term " + term
                            + " below its predecessor's term " + lastTerm);
                }
                byte[] data = Arrays.copyOfRange(bytes, payloadStart, payloadStart + payloadLength);
                if (type == WalRecord.CONFIG) {
                    try {
                        MembershipCodec.decode(data);
                    } catch (IllegalArgumentException e) {
                        throw new CorruptStorageException(file, pos, "configuration entry " + index + ": "
                                + e.getMessage());
                    }
                }
                entries.add(WalRecord.entry(type, index, term, data));
                if (entries.size() > offsets.length) {
                    offsets = Arrays.copyOf(offsets, offsets.length * 2);
                }
                offsets[entries.size() - 1] = pos;
                expectedIndex++;
                lastTerm = term;
            }
            pos = end;
        }
        return new Result(entries, Arrays.copyOf(offsets, entries.size()), pos, bytes.length, hasHeader);
    }

    /** A write stopped part-way: the length prefix, or the record it announces, runs past the end. */
    private static boolean isTruncated(int remaining, int length) {
        return remaining < WalRecord.PREFIX_BYTES || length > remaining - WalRecord.PREFIX_BYTES;
    }

    private static String describeIncomplete(int remaining, int length, boolean last) {
        if (length >= 0 && length < WalRecord.MIN_BODY_BYTES) {
            return "record length " + length + " is below the minimum " + WalRecord.MIN_BODY_BYTES;
        }
        return "record cut short (" + remaining + " bytes left, record needs "
                + (length < 0 ? "a length field" : (WalRecord.PREFIX_BYTES + (long) length) + " bytes") + ")"
                + (last ? "" : " in a segment that is not the newest");
    }

    private static boolean allZero(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
