package io.shardkv.redis;

import java.util.List;
import java.util.SortedMap;

/**
 * The cluster for {@code CLUSTER SLOTS/SHARDS/NODES}: every group of the configuration this replica
 * has reached, its slot ranges and its replicas as far as they answered.
 *
 * @param configNum the configuration, which is also every node's config epoch
 * @param groups    by gid
 */
public record ClusterLayout(long configNum, SortedMap<Integer, Group> groups) {

    /** A contiguous range of slots, inclusive. */
    public record SlotRange(int first, int last) {
    }

    /** A replica, with its Redis node id. {@code address} is null if it serves no RESP port or did not answer. */
    public record Node(String nodeId, String address, boolean leader, boolean myself) {
    }

    /** A group: the slot ranges of the shards it owns (merged where adjacent), and its replicas. */
    public record Group(int gid, List<SlotRange> slots, List<Node> nodes) {

        /** The replica that said it leads, if one did. */
        public Node leader() {
            return nodes.stream().filter(Node::leader).findFirst().orElse(null);
        }
    }
}
