package io.shardkv.raft.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The block commands every scenario interpreter shares, in front of its own verbs. A block's body
 * is its input lines, one step each (see {@link Directive#body()}); blocks nest.
 *
 * <ul>
 *   <li>{@code schedule}: runs the body once, in order.</li>
 *   <li>{@code repeat times=N}: runs the body N times.</li>
 *   <li>{@code repeat for=12s}: runs the body again and again while less than 12 s of virtual time
 *       have passed since the block began (checked before each round, so at least once).</li>
 * </ul>
 *
 * A block prints, for each body step that prints something, {@code <step>: <output>} (further
 * lines of the output indented). A repeat prints its first round's output, and every later round
 * must print exactly the same: a script's output may not depend on how many rounds a seed ran.
 */
public final class Blocks implements ScriptRunner.Interpreter {

    private final ScriptRunner.Interpreter verbs;
    private final LongSupplier nowMicros;

    /** {@code verbs} carries out every other step; {@code nowMicros} is the virtual clock. */
    public Blocks(ScriptRunner.Interpreter verbs, LongSupplier nowMicros) {
        this.verbs = verbs;
        this.nowMicros = nowMicros;
    }

    @Override
    public String run(Directive step) throws Exception {
        return switch (step.command()) {
            case "schedule" -> {
                step.allowing();
                yield round(step.body());
            }
            case "repeat" -> repeat(step.allowing("times", "for"));
            default -> verbs.run(step);
        };
    }

    private String repeat(Directive step) throws Exception {
        List<Directive> body = step.body();
        int times = step.intValue("times", -1);
        long forMicros = step.microsValue("for", -1);
        if ((times < 0) == (forMicros < 0)) {
            throw step.fail("takes times=N or for=<duration>, one of them");
        }
        if (times == 0) {
            throw step.fail("times must be at least 1");
        }
        long end = nowMicros.getAsLong() + forMicros;
        String first = null;
        for (int r = 1; times < 0 ? nowMicros.getAsLong() < end : r <= times; r++) {
            String out = round(body);
            if (first == null) {
                first = out;
            } else if (!out.equals(first)) {
                throw step.fail("round " + r + " printed\n" + out + "\nbut round 1 printed\n" + first);
            }
        }
        return first;
    }

    /**
     * Runs {@code body} once, in order, and returns what a block prints for it: for an
     * interpreter's own block verbs (say, one that retries its body). A failing step is rethrown as
     * an {@link AssertionError} naming the step, whose cause is what the step threw.
     */
    public String round(List<Directive> body) throws Exception {
        List<String> lines = new ArrayList<>();
        for (Directive d : body) {
            String out = ScriptRunner.normalise(ScriptRunner.runStep(this, d));
            if (!out.isEmpty()) {
                lines.add(d.commandLine() + ": " + out.replace("\n", "\n  "));
            }
        }
        return String.join("\n", lines);
    }
}
