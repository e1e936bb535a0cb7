package io.shardkv.raft.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class ScriptRunnerTest {

    private final List<String> replays = new ArrayList<>();

    private ScriptRunner.Interpreter echo(String variant, long seed) {
        replays.add(variant + "/" + seed);
        return step -> {
            String words = String.join(" ", step.words());
            return switch (step.command()) {
                case "say" -> words;
                case "shout" -> variant.equals("quiet") ? words : words.toUpperCase(Locale.ROOT);
                default -> throw step.fail("unknown command");
            };
        };
    }

    @Test
    void oneTestPerScriptAndSeedNamedAfterBoth() throws Throwable {
        List<DynamicTest> tests = ScriptRunner.perSeed("scripts/testing", new long[] {4, 7},
                seed -> echo("", seed)).toList();
        assertEquals(List.of("echo seed 4", "echo seed 7"), tests.stream().map(DynamicTest::getDisplayName).toList());
        assertEquals(List.of(), replays, "interpreters are made when a test runs, not before");
        for (DynamicTest t : tests) {
            t.getExecutable().execute();
        }
        assertEquals(List.of("/4", "/7"), replays);
    }

    @Test
    void everyVariantMustPrintTheExpectedOutputAndAFailureNamesIt() throws Throwable {
        List<DynamicTest> tests = ScriptRunner.perSeed("scripts/testing", new long[] {1}, List.of("loud", "quiet"),
                this::echo).toList();
        Executable only = tests.get(0).getExecutable();
        AssertionError e = assertThrows(AssertionError.class, only::execute);
        assertEquals(List.of("loud/1", "quiet/1"), replays);
        assertTrue(e.getMessage().startsWith("with quiet: scripts/testing/echo.txt:6: shout hello\nexpected:\n  HELLO\n"
                + "actual:\n  hello"), e.getMessage());
    }

    @Test
    void aStepThatThrowsIsNamedWithItsScriptAndLine() {
        List<DynamicTest> tests = ScriptRunner.perSeed("scripts/testing", new long[] {1}, seed -> step -> {
            throw new IllegalStateException("no voice today");
        }).toList();
        AssertionError e = assertThrows(AssertionError.class, () -> tests.get(0).getExecutable().execute());
        assertEquals("scripts/testing/echo.txt:2: say hello world\nno voice today", e.getMessage());
    }

    @Test
    void scriptsOnlyKeepsTheScriptOfThatName() {
        String saved = System.getProperty("scripts.only");
        try {
            System.setProperty("scripts.only", "echo");
            assertEquals(1, ScriptRunner.perSeed("scripts/testing", new long[] {1}, seed -> echo("", seed)).count());
            System.setProperty("scripts.only", "absent");
            IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                    () -> ScriptRunner.perSeed("scripts/testing", new long[] {1}, seed -> echo("", seed)));
            assertTrue(none.getMessage().startsWith("no script named absent"), none.getMessage());
        } finally {
            if (saved == null) {
                System.clearProperty("scripts.only");
            } else {
                System.setProperty("scripts.only", saved);
            }
        }
    }
}
