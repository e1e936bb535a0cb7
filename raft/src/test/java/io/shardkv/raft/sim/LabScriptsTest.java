package io.shardkv.raft.sim;

import io.shardkv.raft.testing.ScriptRunner;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The 6.5840 Raft lab tests (parts 3A–3D, {@code lab-scenarios.md} §5) as scripts in
 * {@code src/test/resources/scripts/lab/}, replayed by {@link LabScript} on a {@link LabHarness}:
 * one test per script and seed, seeds 1..{@code -Dsim.scenarioSeeds} (default 3), or
 * {@code -Dsim.seed=N} alone. {@code -Dscripts.only=<name>} runs one script;
 * {@code -Dscripts.rewrite=true} rewrites the expected outputs (review the diff). Times are virtual.
 */
class LabScriptsTest {

    @TestFactory
    Stream<DynamicTest> everyScriptOnEverySeed() {
        return ScriptRunner.perSeed("scripts/lab", LabHarness.seeds().toArray(), LabScript::forSeed);
    }
}
