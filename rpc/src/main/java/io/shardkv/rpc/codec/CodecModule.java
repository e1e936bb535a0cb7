package io.shardkv.rpc.codec;

/**
 * A module's contribution to a {@link Codec}: the wire types it owns, each with a stable id and a
 * serializer. Each module documents the id range it uses so that modules never collide; an id is
 * part of the wire format and must never be reused for another type.
 *
 * <pre>{@code
 * public final class RaftWireTypes implements CodecModule {
 *     public void registerTypes(Codec.Builder codec) {
 *         codec.register(100, AppendEntries.class, new AppendEntriesSerializer())
 *              .register(101, Vote.class, new VoteSerializer());
 *     }
 * }
 * }</pre>
 */
@FunctionalInterface
public interface CodecModule {

    /** Registers this module's wire types with {@code codec}. */
    void registerTypes(Codec.Builder codec);
}
