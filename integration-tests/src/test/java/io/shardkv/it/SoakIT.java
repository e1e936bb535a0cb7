package io.shardkv.it;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Random nemesis: faults of every kind drawn at random, with a join, leave or move during each,
 * in rounds of two minutes, each round's history checked (a five-minute history, ~300k operations
 * with ledger values of ~150 KB, once took the checker past a 6 GB heap). Runs
 * {@code -Dit.soak.minutes=N} minutes (bin/soak N), or two minutes in the regular suite.
 */
class SoakIT {

    private static final Duration ROUND = Duration.ofMinutes(2);

    @Test
    void randomFaultsAndReconfigurationsKeepEveryHistoryLinearizable() throws Exception {
        long minutes = Long.getLong("it.soak.minutes", 0);
        Duration total = minutes > 0 ? Duration.ofMinutes(minutes) : Duration.ofMinutes(2);
        NemesisRun.named(minutes > 0 ? "soak" : "random").reconfiguring().runRandomly(total, ROUND);
    }
}
