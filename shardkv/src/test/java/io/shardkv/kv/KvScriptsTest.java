package io.shardkv.kv;

import io.shardkv.raft.sim.SeedRunner;
import io.shardkv.raft.testing.ScriptRunner;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The kvraft lab's special tests (§6.2 of the scenario catalogue) and ours beyond them, as
 * scripts in {@code src/test/resources/scripts/kv/} replayed by {@link KvScript}: one test per
 * script and seed, seeds 1..{@code -Dsim.scenarioSeeds} (default 3), or {@code -Dsim.seed=N}
 * alone. The GenericTest matrix stays a table, in {@link KvGenericScenariosTest}.
 */
class KvScriptsTest {

    @TestFactory
    Stream<DynamicTest> everyScriptOnEverySeed() {
        return ScriptRunner.perSeed("scripts/kv", SeedRunner.Seeds.fromProperties("sim.scenarioSeeds", 3).toArray(),
                KvScript::forSeed);
    }
}
