package io.shardkv.rpc.codec;

import com.esotericsoftware.kryo.Serializer;

/** One wire type: its stable id, its class and the serializer that reads and writes it. */
record TypeRegistration(int id, Class<?> type, Serializer<?> serializer) {
}
