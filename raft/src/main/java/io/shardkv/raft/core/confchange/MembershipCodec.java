package io.shardkv.raft.core.confchange;

import io.shardkv.raft.core.quorum.JointConfig;
import io.shardkv.raft.core.quorum.MajorityConfig;
import io.shardkv.raft.core.tracker.MembershipConfig;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * The bytes of a {@link MembershipConfig}, as a configuration entry's data, in snapshot files and on
 * the wire:
 * <pre>
 *   version (1) = 1 | incoming count (2) | ids (4 each) | outgoing count (2) | ids | learner count (2) | ids
 * </pre>
 * Big-endian. Decoding checks every count and id and that nothing trails, so a damaged entry is
 * reported rather than taken for a configuration.
 */
public final class MembershipCodec {

    /** More members than any group has; bounds what a damaged count can make us allocate. */
    public static final int MAX_MEMBERS = 1024;
    private static final byte VERSION = 1;

    private MembershipCodec() {
    }

    public static byte[] encode(MembershipConfig config) {
        JointConfig voters = config.voters();
        int count = voters.incoming().size() + voters.outgoing().size() + config.learners().size();
        ByteBuffer buf = ByteBuffer.allocate(1 + 3 * 2 + 4 * count);
        buf.put(VERSION);
        putIds(buf, voters.incoming().ids());
        putIds(buf, voters.outgoing().ids());
        putIds(buf, config.learners());
        return buf.array();
    }

    /** The configuration in {@code data}; IllegalArgumentException says what is wrong with it. */
    public static MembershipConfig decode(byte[] data) {
        ByteBuffer buf = ByteBuffer.wrap(data);
        try {
            byte version = buf.get();
            if (version != VERSION) {
                throw new IllegalArgumentException("unknown membership encoding version " + version);
            }
            List<Integer> incoming = ids(buf);
            List<Integer> outgoing = ids(buf);
            List<Integer> learners = ids(buf);
            if (buf.hasRemaining()) {
                throw new IllegalArgumentException(buf.remaining() + " bytes trail the membership");
            }
            return new MembershipConfig(new JointConfig(MajorityConfig.of(incoming), MajorityConfig.of(outgoing)),
                    new TreeSet<>(learners));
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("membership truncated after " + buf.position() + " of " + data.length
                    + " bytes");
        }
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
