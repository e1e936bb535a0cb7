package io.shardkv.ctrler;

import io.shardkv.raft.sim.SeedRunner;
import io.shardkv.raft.testing.ScriptRunner;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The shardctrler lab's scenarios (§7 of the scenario catalogue: TestBasic's steps,
 * TestMinimalAgain, TestMulti's steps) as scripts in {@code src/test/resources/scripts/ctrler/}
 * replayed by {@link CtrlerScript}: one test per script and seed (1..{@code -Dsim.scenarioSeeds},
 * default 3, or {@code -Dsim.seed=N}), each replaying the script with the labs' 10 shards and
 * again with 64.
 */
class CtrlerScriptsTest {

    /** A cluster's shard count, as a failure names it. */
    private record Shards(int n) {
        @Override
        public String toString() {
            return n + " shards";
        }
    }

    @TestFactory
    Stream<DynamicTest> everyScriptOnEverySeedWith10And64Shards() {
        return ScriptRunner.perSeed("scripts/ctrler", SeedRunner.Seeds.fromProperties("sim.scenarioSeeds", 3).toArray(),
                List.of(new Shards(10), new Shards(64)), (shards, seed) -> CtrlerScript.forShardsAndSeed(shards.n(), seed));
    }
}
