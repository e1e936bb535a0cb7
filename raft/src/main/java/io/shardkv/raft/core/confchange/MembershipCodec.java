package io.shardkv.raft.core.confchange;

import io.shardkv.raft.core.quorum.JointConfig;
import io.shardkv.raft.core.quorum.MajorityConfig;
import io.shardkv.raft.core.tracker.MembershipConfig;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The bytes of a {@link MembershipConfig}, as a configuration entry's data, in snapshot files and on
 * the wire:
 * <pre>
 *   version (1) = 2 | incoming count (2) | ids (4 each) | outgoing count (2) | ids | learner count (2) | ids
 *   | address count (2) | per address: id (4) | length (2) | UTF-8 bytes
 * </pre>
 * Big-endian. Version 1 had no addresses and is still read. Decoding checks every count, id and
 * length and that nothing trails, so a damaged entry is reported rather than taken for a
 * configuration.
 */
public final class MembershipCodec {

    /** More members than any group has; bounds what a damaged count can make us allocate. */
    public static final int MAX_MEMBERS = 1024;
    /** The most bytes a valid encoding can take: bounds what a damaged length can make a reader allocate. */
    public static final int MAX_ENCODED_BYTES = 1 + 4 * 2
            + MAX_MEMBERS * (4 + 4 + 2 + 4 * MembershipConfig.MAX_ADDRESS_CHARS);
    private static final byte VERSION = 2;
    private static final byte WITHOUT_ADDRESSES = 1;

    private MembershipCodec() {
    }

    public static byte[] encode(MembershipConfig config) {
        JointConfig voters = config.voters();
        int count = voters.incoming().size() + voters.outgoing().size() + config.learners().size();
        List<byte[]> addresses = new ArrayList<>();
        int addressBytes = 0;
        for (String a : config.addresses().values()) {
            byte[] b = a.getBytes(StandardCharsets.UTF_8);
            addresses.add(b);
            addressBytes += 4 + 2 + b.length;
        }
        ByteBuffer buf = ByteBuffer.allocate(1 + 4 * 2 + 4 * count + addressBytes);
        buf.put(VERSION);
        putIds(buf, voters.incoming().ids());
        putIds(buf, voters.outgoing().ids());
        putIds(buf, config.learners());
        buf.putShort((short) addresses.size());
        int i = 0;
        for (int id : config.addresses().keySet()) {
            byte[] b = addresses.get(i++);
            buf.putInt(id).putShort((short) b.length).put(b);
        }
        return buf.array();
    }

    /** The configuration in {@code data}; IllegalArgumentException says what is wrong with it. */
    public static MembershipConfig decode(byte[] data) {
        ByteBuffer buf = ByteBuffer.wrap(data);
        try {
            byte version = buf.get();
            if (version != VERSION && version != WITHOUT_ADDRESSES) {
                throw new IllegalArgumentException("unknown membership encoding version " + version);
            }
            List<Integer> incoming = ids(buf);
            List<Integer> outgoing = ids(buf);
            List<Integer> learners = ids(buf);
            TreeMap<Integer, String> addresses = version == VERSION ? addresses(buf) : new TreeMap<>();
            if (buf.hasRemaining()) {
                throw new IllegalArgumentException(buf.remaining() + " bytes trail the membership");
            }
            return new MembershipConfig(new JointConfig(MajorityConfig.of(incoming), MajorityConfig.of(outgoing)),
                    new TreeSet<>(learners), addresses);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("membership truncated after " + buf.position() + " of " + data.length
                    + " bytes");
        }
    }

    private static TreeMap<Integer, String> addresses(ByteBuffer buf) {
        int count = Short.toUnsignedInt(buf.getShort());
        if (count > MAX_MEMBERS) {
            throw new IllegalArgumentException(count + " addresses exceed the limit of " + MAX_MEMBERS);
        }
        TreeMap<Integer, String> out = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            int id = buf.getInt();
            int length = Short.toUnsignedInt(buf.getShort());
            if (length > MembershipConfig.MAX_ADDRESS_CHARS * 4 || length > buf.remaining()) {
                throw new IllegalArgumentException("address of " + id + " declares " + length + " bytes, "
                        + buf.remaining() + " left");
            }
            byte[] b = new byte[length];
            buf.get(b);
            if (out.put(id, new String(b, StandardCharsets.UTF_8)) != null) {
                throw new IllegalArgumentException("two addresses for " + id);
            }
        }
        return out;
    }

    private static void putIds(ByteBuffer buf, Collection<Integer> ids) {
        buf.putShort((short) ids.size());
        for (int id : ids) {
            buf.putInt(id);
        }
    }

    private static List<Integer> ids(ByteBuffer buf) {
        int count = Short.toUnsignedInt(buf.getShort());
        if (count > MAX_MEMBERS) {
            throw new IllegalArgumentException(count + " members exceed the limit of " + MAX_MEMBERS);
        }
        if (count * 4L > buf.remaining()) {
            throw new IllegalArgumentException(count + " members declared, " + buf.remaining() + " bytes left");
        }
        List<Integer> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ids.add(buf.getInt());
        }
        return ids;
    }
}
