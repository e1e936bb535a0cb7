package io.shardkv.raft.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * Replays {@link ScriptFile}s through an {@link Interpreter}: every step's output must equal what
 * the script expects, else the test fails naming the file, the line and both texts. With
 * {@code -Dscripts.rewrite=true} the expected outputs are written back into the script instead
 * (review the diff before committing it).
 *
 * <p>Scripts live in a module's {@code src/test/resources/<dir>/*.txt} and are read from there
 * (tests run in the module's directory), so a rewrite changes the source file.
 */
public final class ScriptRunner {

    /** Runs the steps of one replay of a script; a fresh instance per replay. */
    @FunctionalInterface
    public interface Interpreter {

        /** Carries out {@code step} and returns what it prints (no trailing newline needed). */
        String run(Directive step) throws Exception;
    }

    private static final Path ROOT = Path.of("src", "test", "resources");

    private ScriptRunner() {
    }

    /** Whether this run rewrites expected outputs rather than checking them. */
    public static boolean rewriting() {
        return Boolean.getBoolean("scripts.rewrite");
    }

    /** The scripts in {@code src/test/resources/<dir>}, by name. */
    public static List<Path> scripts(String dir) {
        Path folder = ROOT.resolve(dir);
        try (Stream<Path> s = Files.list(folder)) {
            List<Path> found = s.filter(p -> p.getFileName().toString().endsWith(".txt")).sorted().toList();
            if (found.isEmpty()) {
                throw new IllegalStateException("no scripts (*.txt) in " + folder.toAbsolutePath());
            }
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException("listing scripts in " + folder.toAbsolutePath(), e);
        }
    }

    /** A script's name without its folder and {@code .txt}: what tests are named after. */
    public static String nameOf(Path script) {
        String file = script.getFileName().toString();
        return file.endsWith(".txt") ? file.substring(0, file.length() - 4) : file;
    }

    /** Replays {@code script} through {@code interpreter}, checking (or rewriting) every output. */
    public static void run(Path script, Interpreter interpreter) throws Exception {
        run(script, interpreter, rewriting());
    }

    /**
     * One test per script in {@code src/test/resources/<dir>}, named after it, replaying it through
     * a fresh {@code interpreter.get()}: for deterministic scripts (no seed). {@code -Dscripts.only=<name>}
     * keeps only the script of that name.
     */
    public static Stream<DynamicTest> each(String dir, Supplier<Interpreter> interpreter) {
        return selected(dir).stream().map(script -> DynamicTest.dynamicTest(nameOf(script), script.toUri(),
                () -> run(script, interpreter.get())));
    }

    /**
     * One test per script in {@code src/test/resources/<dir>} and seed, named
     * {@code <script> seed <n>}, each replaying the script through a fresh
     * {@code interpreter.apply(seed)}. A script's expected output holds for every seed. With
     * {@code -Dscripts.rewrite=true} the first seed rewrites the script and the other seeds check
     * what it wrote, so output that depends on the seed fails at once. {@code -Dscripts.only=<name>}
     * keeps only the script of that name.
     */
    public static Stream<DynamicTest> perSeed(String dir, long[] seeds, LongFunction<Interpreter> interpreter) {
        return perSeed(dir, seeds, List.of(""), (variant, seed) -> interpreter.apply(seed));
    }

    /**
     * As {@link #perSeed(String, long[], LongFunction)}, but each test replays its script once per
     * variant (say, a cluster with 10 shards and one with 64), through
     * {@code interpreter.apply(variant, seed)}; every variant must print the script's expected
     * output, and a failure names the variant ({@code String.valueOf}).
     */
    public static <V> Stream<DynamicTest> perSeed(String dir, long[] seeds, List<V> variants,
                                                  BiFunction<V, Long, Interpreter> interpreter) {
        return selected(dir).stream().flatMap(script -> {
            List<DynamicTest> tests = new ArrayList<>();
            for (int i = 0; i < seeds.length; i++) {
                long seed = seeds[i];
                boolean first = i == 0;
                tests.add(DynamicTest.dynamicTest(nameOf(script) + " seed " + seed, script.toUri(), () -> {
                    for (int v = 0; v < variants.size(); v++) {
                        V variant = variants.get(v);
                        try {
                            run(script, interpreter.apply(variant, seed), rewriting() && first && v == 0);
                        } catch (AssertionError e) {
                            if (variants.size() == 1) {
                                throw e;
                            }
                            throw new AssertionError("with " + variant + ": " + e.getMessage(), e);
                        }
                    }
                }));
            }
            return tests.stream();
        });
    }

    /** The scripts of {@code dir}, or only the one {@code -Dscripts.only} names. */
    private static List<Path> selected(String dir) {
        String only = System.getProperty("scripts.only", "").strip();
        List<Path> scripts = scripts(dir).stream().filter(p -> only.isEmpty() || nameOf(p).equals(only)).toList();
        if (scripts.isEmpty()) {
            throw new IllegalArgumentException("no script named " + only + " in " + ROOT.resolve(dir));
        }
        return scripts;
    }

    /** Replays {@code script}, checking every output, or rewriting the expected outputs if {@code rewrite}. */
    public static void run(Path script, Interpreter interpreter, boolean rewrite) throws Exception {
        String text = Files.readString(script, StandardCharsets.UTF_8);
        ScriptFile file = ScriptFile.parse(ROOT.relativize(script).toString(), text);
        List<String> actual = new ArrayList<>();
        for (Directive step : file.directives()) {
            String out = normalise(runStep(interpreter, step));
            if (!rewrite && !out.equals(step.expected())) {
                throw new AssertionError(step.where() + ": " + step.commandLine() + "\nexpected:\n"
                        + indent(step.expected()) + "\nactual:\n" + indent(out)
                        + "\n(-Dscripts.rewrite=true rewrites expected outputs from actual ones)");
            }
            actual.add(out);
        }
        if (rewrite) {
            String rewritten = file.rewrite(actual);
            if (!rewritten.equals(text)) {
                Files.writeString(script, rewritten, StandardCharsets.UTF_8);
            }
        }
    }

    /**
     * Runs one step; a failure inside it is rethrown naming the step, so a message from deep in a
     * harness still says which line of which script it came from.
     */
    public static String runStep(Interpreter interpreter, Directive step) throws Exception {
        try {
            return interpreter.run(step);
        } catch (Exception | AssertionError e) {
            throw new AssertionError(step.where() + ": " + step.commandLine() + "\n" + e.getMessage(), e);
        }
    }

    static String normalise(String out) {
        if (out == null || out.isEmpty()) {
            return "";
        }
        String trimmed = out.stripTrailing();
        return String.join("\n", trimmed.lines().map(String::stripTrailing).toList());
    }

    private static String indent(String s) {
        return s.isEmpty() ? "  (nothing)" : "  " + s.replace("\n", "\n  ");
    }
}
