package io.shardkv.rpc.redis;

/**
 * A shard-group replica's answer to {@link RedisEndpointRequest}.
 *
 * @param address the {@code host:port} Redis clients reach it at, or null if it serves no RESP port
 * @param leader  whether it led its group when it answered
 */
public record RedisEndpoint(int gid, int nodeId, String address, boolean leader) {
}
