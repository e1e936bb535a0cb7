package io.shardkv.group;

import io.shardkv.raft.sim.SeedRunner;
import io.shardkv.raft.testing.ScriptRunner;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every sharded KV scenario of the labs ({@code lab-scenarios.md} §10, 6.5840 {@code shardkv}
 * 5A/5B and the challenges) and ours beyond them, as scripts in
 * {@code src/test/resources/scripts/shard/} replayed by {@link ShardScript}: one test per script
 * and seed, seeds 1..{@code -Dsim.shardSeeds} (default 3), or {@code -Dsim.seed=N} alone.
 * {@code -Dscripts.only=<name>} runs one script; {@code -Dscripts.rewrite=true} rewrites the
 * expected outputs. Times are virtual.
 */
class ShardScriptsTest {

    @TestFactory
    Stream<DynamicTest> everyScriptOnEverySeed() {
        return ScriptRunner.perSeed("scripts/shard", SeedRunner.Seeds.fromProperties("sim.shardSeeds", 3).toArray(),
                ShardScript::forSeed);
    }
}
