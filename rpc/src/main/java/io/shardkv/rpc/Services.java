package io.shardkv.rpc;

/**
 * What a server serves, as its HELLO names it, so that a tool pointed at the wrong kind of server
 * can say so instead of sending requests it cannot answer.
 */
public final class Services {

    /** Service names travel in the handshake behind a one-byte length. */
    public static final int MAX_BYTES = 255;

    public static final String CONTROLLER = "controller";
    /** A replica of a replicated service without a name of its own (the labs' key/value service, tests). */
    public static final String REPLICA = "replica";

    private static final String SHARD_GROUP = "shard-group ";

    private Services() {
    }

    /** The service of a replica of shard group {@code gid}. */
    public static String shardGroup(int gid) {
        return SHARD_GROUP + gid;
    }

    /** {@code service} in words: "a controller", "a shard-group server of group 100". */
    public static String describe(String service) {
        if (service.equals(CONTROLLER)) {
            return "a controller";
        }
        if (service.startsWith(SHARD_GROUP)) {
            return "a shard-group server of group " + Text.printable(service.substring(SHARD_GROUP.length()));
        }
        if (service.isEmpty()) {
            return "a client, not a server";
        }
        return "a '" + Text.printable(service) + "' server";
    }
}
