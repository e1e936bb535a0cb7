/**
 * Serialization of wire types: {@link io.shardkv.rpc.codec.Codec} (Kryo with required, explicitly
 * numbered registrations), {@link io.shardkv.rpc.codec.CodecModule} (how a module contributes its
 * types), and {@link io.shardkv.rpc.codec.Wire} / {@link io.shardkv.rpc.codec.Serializers}, the
 * bounded reads every serializer must use so that untrusted bytes cannot force large allocations.
 */
package io.shardkv.rpc.codec;
