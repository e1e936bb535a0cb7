package io.shardkv.raft.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScriptFileTest {

    private static final String SCRIPT = """
            # a comment
            add-nodes 3 voters=(1,2,3) pre-vote=true
            ----
            ok

            repeat times=2
              tick 1
              propose 1
            ----
            ----
            first

            second
            ----
            ----

            stabilize
            ----
            """;

    @Test
    void stepsHaveTheirArgumentsInputAndExpectedOutput() {
        ScriptFile f = ScriptFile.parse("t.txt", SCRIPT);
        assertEquals(3, f.directives().size());
        Directive add = f.directives().get(0);
        assertEquals("add-nodes", add.command());
        assertEquals(2, add.line());
        assertEquals(3, add.intWord(0));
        assertEquals(List.of(1, 2, 3), add.intValues("voters", List.of()));
        assertTrue(add.booleanValue("pre-vote", false));
        assertEquals("ok", add.expected());
        Directive repeat = f.directives().get(1);
        assertEquals(List.of("  tick 1", "  propose 1"), repeat.input());
        assertEquals("first\n\nsecond", repeat.expected());
        assertEquals("", f.directives().get(2).expected());
    }

    @Test
    void argumentsAreFoundByKeyAndWordsKeepTheirOrder() {
        Directive d = ScriptFile.parse("t.txt", "disconnect L+1 at=(1,2) 3 at=9 empty=() L\n----\n").directives().get(0);
        assertEquals(List.of("L+1", "3", "L"), d.words());
        assertThrows(UnsupportedOperationException.class, () -> d.words().add("x"));
        assertEquals(List.of("1", "2"), d.values("at").orElseThrow(), "the first of a repeated key");
        assertEquals(List.of(), d.values("empty").orElseThrow());
        assertTrue(d.values("missing").isEmpty());
        assertTrue(d.value("missing").isEmpty());
        assertThrows(IllegalArgumentException.class, () -> d.value("at"), "at= has two values");
    }

    @Test
    void rewritingWithTheSameOutputsGivesTheSameText() {
        ScriptFile f = ScriptFile.parse("t.txt", SCRIPT);
        assertEquals(SCRIPT, f.rewrite(List.of("ok", "first\n\nsecond", "")));
    }

    @Test
    void rewritingFencesOutputWithBlankLinesAndUnfencesOutputWithout() {
        ScriptFile f = ScriptFile.parse("t.txt", SCRIPT);
        String rewritten = f.rewrite(List.of("a\n\nb", "c", "d"));
        ScriptFile again = ScriptFile.parse("t.txt", rewritten);
        assertEquals(List.of("a\n\nb", "c", "d"), again.directives().stream().map(Directive::expected).toList());
    }

    @Test
    void malformedScriptsAreRefusedWithTheirLine() {
        IllegalArgumentException noSeparator = assertThrows(IllegalArgumentException.class,
                () -> ScriptFile.parse("t.txt", "tick 1\n"));
        assertTrue(noSeparator.getMessage().startsWith("t.txt:1:"), noSeparator.getMessage());
        IllegalArgumentException unbalanced = assertThrows(IllegalArgumentException.class,
                () -> ScriptFile.parse("t.txt", "\n\nadd voters=(1,2\n----\n"));
        assertTrue(unbalanced.getMessage().startsWith("t.txt:3:"), unbalanced.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> ScriptFile.parse("t.txt", "tick 1 every=2\n----\n").directives().get(0).allowing("times"));
        assertTrue(unknown.getMessage().contains("unknown argument every"), unknown.getMessage());
    }

    @Test
    void aBlocksInputLinesAreStepsAtTheirOwnLines() {
        ScriptFile f = ScriptFile.parse("t.txt", SCRIPT);
        List<Directive> body = f.directives().get(1).body();
        assertEquals(List.of("tick 1", "propose 1"), body.stream().map(Directive::commandLine).toList());
        assertEquals(List.of(7, 8), body.stream().map(Directive::line).toList());
        assertEquals("", body.get(0).expected());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> f.directives().get(0).body());
        assertTrue(none.getMessage().startsWith("t.txt:2: add-nodes: needs a body"), none.getMessage());
    }

    @Test
    void durationsNeedAUnitAndComeOutInMicroseconds() {
        Directive d = ScriptFile.parse("t.txt", "sleep 150ms pause=2s slice=250us\n----\n").directives().get(0);
        assertEquals(150_000, d.microsWord(0));
        assertEquals(2_000_000, d.microsValue("pause", -1));
        assertEquals(250, d.microsValue("slice", -1));
        assertEquals(-1, d.microsValue("absent", -1));
        for (String bad : List.of("150", "ms", "1.5s", "3m")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.micros(bad));
            assertTrue(e.getMessage().contains("was " + bad), e.getMessage());
        }
    }
}
