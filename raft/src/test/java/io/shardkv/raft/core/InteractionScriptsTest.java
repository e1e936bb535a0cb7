package io.shardkv.raft.core;

import io.shardkv.raft.testing.ScriptRunner;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The core's interaction scenarios as data ({@code scripts/interaction/*.txt}, one behaviour per
 * file), replayed by {@link Interaction} over a {@link Network}. A new scenario is a new text file;
 * {@code -Dscripts.rewrite=true} regenerates expected outputs (review the diff).
 */
class InteractionScriptsTest {

    @TestFactory
    Stream<DynamicTest> interactionScripts() {
        return ScriptRunner.each("scripts/interaction", Interaction::new);
    }
}
