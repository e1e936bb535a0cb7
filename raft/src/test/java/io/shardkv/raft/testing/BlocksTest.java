package io.shardkv.raft.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BlocksTest {

    /** A toy interpreter: {@code sleep D} advances a clock, {@code say X} prints X, {@code count} prints a counter. */
    private final long[] now = {0};
    private final List<String> ran = new ArrayList<>();
    private int counter;
    private final Blocks blocks = new Blocks(step -> {
        ran.add(step.commandLine());
        return switch (step.command()) {
            case "sleep" -> {
                now[0] += step.microsWord(0);
                yield "";
            }
            case "say" -> String.join(" ", step.words());
            case "count" -> String.valueOf(++counter);
            case "boom" -> throw new IllegalStateException("boom went the step");
            default -> throw step.fail("unknown command");
        };
    }, () -> now[0]);

    private String run(String script) throws Exception {
        return ScriptRunner.normalise(blocks.run(ScriptFile.parse("t.txt", script).directives().get(0)));
    }

    @Test
    void aScheduleRunsItsBodyOnceAndPrintsWhatEachStepPrinted() throws Exception {
        String out = run("schedule\n  sleep 150ms\n  say a b\n  # a comment\n  sleep 1s\n  say c\n----\n");
        assertEquals("say a b: a b\nsay c: c", out);
        assertEquals(1_150_000, now[0]);
    }

    @Test
    void repeatTimesRunsTheBodyThatOftenAndPrintsOneRound() throws Exception {
        assertEquals("say x: x", run("repeat times=3\n  say x\n  sleep 1ms\n----\n"));
        assertEquals(6, ran.size());
    }

    @Test
    void repeatForRunsRoundsUntilThatMuchVirtualTimeHasPassed() throws Exception {
        assertEquals("", run("repeat for=1s\n  sleep 300ms\n----\n"));
        assertEquals(4, ran.size(), "rounds begin at 0, 300, 600 and 900 ms");
        assertEquals(1_200_000, now[0]);
    }

    @Test
    void aRoundThatPrintsSomethingElseFails() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run("repeat times=2\n  count\n----\n"));
        assertTrue(e.getMessage().startsWith("t.txt:1: repeat: round 2 printed\ncount: 2\nbut round 1 printed\ncount: 1"),
                e.getMessage());
    }

    @Test
    void aFailingStepIsNamedWithItsLine() {
        AssertionError e = assertThrows(AssertionError.class, () -> run("schedule\n  say a\n  boom now\n----\n"));
        assertEquals("t.txt:3: boom now\nboom went the step", e.getMessage());
    }

    @Test
    void aRoundRunsStepsForAnotherBlockAndKeepsWhatAFailingStepThrew() throws Exception {
        List<Directive> body = ScriptFile.parse("t.txt", "outer\n  say a\n  count\n----\n").directives().get(0).body();
        assertEquals("say a: a\ncount: 1", blocks.round(body));
        List<Directive> failing = ScriptFile.parse("t.txt", "outer\n  say a\n  boom now\n----\n").directives().get(0).body();
        AssertionError e = assertThrows(AssertionError.class, () -> blocks.round(failing));
        assertEquals("t.txt:3: boom now\nboom went the step", e.getMessage());
        assertTrue(e.getCause() instanceof IllegalStateException, String.valueOf(e.getCause()));
    }

    @Test
    void repeatNeedsExactlyOneBound() {
        for (String args : List.of("", " times=2 for=1s", " times=0")) {
            assertThrows(IllegalArgumentException.class, () -> run("repeat" + args + "\n  say x\n----\n"));
        }
    }
}
