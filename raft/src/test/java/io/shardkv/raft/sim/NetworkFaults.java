package io.shardkv.raft.sim;

/**
 * How the simulated network misbehaves. Delays are in virtual microseconds; rates are
 * probabilities per message.
 *
 * @param minDelay      shortest one-way delay
 * @param maxDelay      longest ordinary one-way delay (uniform in between, so messages reorder)
 * @param dropRate      chance a message is lost
 * @param duplicateRate chance a message is delivered twice (with independent delays)
 * @param longDelayRate chance a message is held back for [longDelayMin, longDelayMax]
 * @param longDelayMin  shortest long delay
 * @param longDelayMax  longest long delay
 * @param fifo          messages on one link arrive in the order they were sent (as over one TCP
 *                      connection); otherwise they may overtake each other
 */
public record NetworkFaults(long minDelay, long maxDelay, double dropRate, double duplicateRate,
                            double longDelayRate, long longDelayMin, long longDelayMax, boolean fifo) {

    /** A healthy LAN with TCP links: 0.1–1 ms, in order, nothing lost. */
    public static final NetworkFaults RELIABLE = new NetworkFaults(100, 1_000, 0, 0, 0, 0, 0, true);

    /** The labs' unreliable network: 0–26 ms delays, reordering and 10 % loss; plus a little duplication. */
    public static final NetworkFaults UNRELIABLE = new NetworkFaults(0, 26_000, 0.10, 0.02, 0, 0, 0, false);

    /**
     * The labs' long reordering on top of {@link #UNRELIABLE}: a share of messages arrives
     * 200–2200 ms late, long after newer ones.
     */
    public static final NetworkFaults UNRELIABLE_REORDERING =
            new NetworkFaults(0, 26_000, 0.10, 0.02, 0.20, 200_000, 2_200_000, false);

    public NetworkFaults {
        if (minDelay < 0 || maxDelay < minDelay) {
            throw new IllegalArgumentException("bad delay range [" + minDelay + ", " + maxDelay + "]");
        }
        if (longDelayRate > 0 && (longDelayMin < 0 || longDelayMax < longDelayMin)) {
            throw new IllegalArgumentException("bad long delay range [" + longDelayMin + ", " + longDelayMax + "]");
        }
    }
}
