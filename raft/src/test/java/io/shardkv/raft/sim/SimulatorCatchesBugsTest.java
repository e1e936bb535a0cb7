package io.shardkv.raft.sim;

import io.shardkv.raft.core.Msg;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.raft.core.Message;
import io.shardkv.raft.core.Message.VoteRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The simulator is only worth its seeds if it fails when Raft is broken. These experiments break
 * one rule on purpose, from outside the core (by rewriting messages in flight), and require that
 * the randomized runs catch it. docs/simulation.md describes the same experiment done by editing
 * the core.
 */
class SimulatorCatchesBugsTest {

    private static final int SEEDS = 300;

    /**
     * §5.4.1: voters grant only to candidates whose log is at least as up to date as theirs. A
     * candidate that lies about its last entry defeats the rule; a leader missing committed entries
     * must then be detected (Leader Completeness, or a committed entry being overwritten).
     */
    @Test
    void votingWithoutTheElectionRestrictionIsCaught() {
        UnaryOperator<Message> lyingCandidates = m -> m instanceof VoteRequest vr
                ? Msg.vote(vr).last(Long.MAX_VALUE / 2, Long.MAX_VALUE / 2).build()
                : m;
        List<Long> failing = failingSeeds(lyingCandidates);
        System.out.println("election restriction removed: " + failing.size() + " of " + SEEDS
                + " seeds fail, first " + failing.subList(0, Math.min(5, failing.size())));
        assertTrue(failing.size() > SEEDS / 20, "too few seeds caught the broken election restriction: " + failing);
    }

    /**
     * Figure 2: a follower acknowledges an append only after the entries are durable. Claiming
     * entries it does not have (acknowledging past its log) lets a leader commit what a quorum does
     * not hold.
     */
    @Test
    void acknowledgingEntriesNotHeldIsCaught() {
        UnaryOperator<Message> overeagerFollowers = m -> m instanceof Message.AppendResponse ar && !ar.rejected()
                ? Message.AppendResponse.accept(ar.from(), ar.to(), ar.term(), ar.index() + 3)
                : m;
        List<Long> failing = failingSeeds(overeagerFollowers);
        System.out.println("over-acknowledging followers: " + failing.size() + " of " + SEEDS
                + " seeds fail, first " + failing.subList(0, Math.min(5, failing.size())));
        assertTrue(failing.size() > SEEDS / 20, "too few seeds caught over-acknowledgement: " + failing);
    }

    private static List<Long> failingSeeds(UnaryOperator<Message> sabotage) {
        List<Long> failing = new ArrayList<>();
        for (long seed = 1; seed <= SEEDS; seed++) {
            RandomizedRun run = new RandomizedRun(seed, 8_000_000);
            run.cluster().network().setMutator(sabotage);
            try {
                run.run();
            } catch (SimulationFailure expected) {
                failing.add(seed);
            }
        }
        return failing;
    }
}
