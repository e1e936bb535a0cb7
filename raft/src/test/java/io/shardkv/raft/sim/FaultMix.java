package io.shardkv.raft.sim;

/** The kinds of trouble a randomized run injects. Every seed picks one. */
public enum FaultMix {
    /** Healthy network, no crashes: the baseline every other mix must match. */
    CALM(NetworkFaults.RELIABLE, false, false),
    /** 10 % loss, 0–26 ms delays, duplicates. */
    LOSSY(NetworkFaults.UNRELIABLE, false, false),
    /** Loss plus messages held back for up to 2.2 s, arriving long after newer ones. */
    REORDERING(NetworkFaults.UNRELIABLE_REORDERING, false, false),
    /** Reliable links, but the network splits: random halves, isolated leaders, minorities. */
    PARTITIONS(NetworkFaults.RELIABLE, true, false),
    /** Crashes (losing whatever was not yet durable, tearing writes in progress) and restarts. */
    CRASHES(NetworkFaults.RELIABLE, false, true),
    /** Everything at once on a lossy network. */
    CHAOS(NetworkFaults.UNRELIABLE, true, true),
    /** Everything at once, with long reordering. */
    CHAOS_REORDERING(NetworkFaults.UNRELIABLE_REORDERING, true, true);

    final NetworkFaults network;
    final boolean partitions;
    final boolean crashes;

    FaultMix(NetworkFaults network, boolean partitions, boolean crashes) {
        this.network = network;
        this.partitions = partitions;
        this.crashes = crashes;
    }
}
