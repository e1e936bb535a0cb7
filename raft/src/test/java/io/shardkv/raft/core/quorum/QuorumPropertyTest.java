package io.shardkv.raft.core.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The quorum arithmetic against its definition, on random configs (etcd's quick checks): the commit
 * index is the largest value that at least a majority has reached; a vote is won with a majority of
 * yes and lost once a majority of yes is out of reach; joint configs need both halves.
 */
class QuorumPropertyTest {

    private static final int CASES = 20_000;

    @Test
    void committedIndexIsTheLargestValueAMajorityReached() {
        Random random = new Random(1);
        for (int c = 0; c < CASES; c++) {
            MajorityConfig in = randomConfig(random, 1);
            MajorityConfig out = randomConfig(random, 0);
            Map<Integer, Long> acked = new HashMap<>();
            for (int id = 1; id <= 9; id++) {
                if (random.nextInt(5) != 0) {
                    acked.put(id, (long) random.nextInt(20));
                }
            }
            AckedIndexer indexer = id -> acked.getOrDefault(id, 0L);
            long expected = Math.min(bruteCommitted(in, indexer), bruteCommitted(out, indexer));
            assertEquals(expected, new JointConfig(in, out).committedIndex(indexer), in + "&&" + out + " " + acked);
        }
    }

    @Test
    void voteResultFollowsFromCountingEachHalf() {
        Random random = new Random(2);
        for (int c = 0; c < CASES; c++) {
            MajorityConfig in = randomConfig(random, 1);
            MajorityConfig out = randomConfig(random, 0);
            Map<Integer, Boolean> votes = new HashMap<>();
            for (int id = 1; id <= 9; id++) {
                int dice = random.nextInt(3);
                if (dice < 2) {
                    votes.put(id, dice == 0);
                }
            }
            VoteResult a = bruteVote(in, votes);
            VoteResult b = bruteVote(out, votes);
            VoteResult expected = a == VoteResult.LOST || b == VoteResult.LOST ? VoteResult.LOST
                    : a == VoteResult.WON && b == VoteResult.WON ? VoteResult.WON : VoteResult.PENDING;
            assertEquals(expected, new JointConfig(in, out).voteResult(votes::get), in + "&&" + out + " " + votes);
        }
    }

    private static MajorityConfig randomConfig(Random random, int minSize) {
        List<Integer> ids = new ArrayList<>();
        int size = minSize + random.nextInt(7 - minSize);
        for (int id = 1; id <= 9 && ids.size() < size; id++) {
            if (random.nextInt(9 - id + 1) < size - ids.size()) {
                ids.add(id);
            }
        }
        return MajorityConfig.of(ids);
    }

    private static long bruteCommitted(MajorityConfig config, AckedIndexer acked) {
        if (config.isEmpty()) {
            return Long.MAX_VALUE;
        }
        long best = 0;
        for (int candidate : config.ids()) {
            long value = acked.ackedIndex(candidate);
            long reached = config.ids().stream().filter(id -> acked.ackedIndex(id) >= value).count();
            if (reached > config.size() / 2) {
                best = Math.max(best, value);
            }
        }
        return best;
    }

    private static VoteResult bruteVote(MajorityConfig config, Map<Integer, Boolean> votes) {
        if (config.isEmpty()) {
            return VoteResult.WON;
        }
        long yes = config.ids().stream().filter(id -> Boolean.TRUE.equals(votes.get(id))).count();
        long no = config.ids().stream().filter(id -> Boolean.FALSE.equals(votes.get(id))).count();
        if (2 * yes > config.size()) {
            return VoteResult.WON;
        }
        return 2 * (config.size() - no) > config.size() ? VoteResult.PENDING : VoteResult.LOST;
    }
}
