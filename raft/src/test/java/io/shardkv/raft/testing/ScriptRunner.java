package io.shardkv.raft.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

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
        String text = Files.readString(script, StandardCharsets.UTF_8);
        ScriptFile file = ScriptFile.parse(ROOT.relativize(script).toString(), text);
        List<String> actual = new ArrayList<>();
        for (Directive step : file.directives()) {
            String out = normalise(interpreter.run(step));
            if (!rewriting() && !out.equals(step.expected())) {
                throw new AssertionError(step.where() + ": " + step.commandLine() + "\nexpected:\n"
                        + indent(step.expected()) + "\nactual:\n" + indent(out)
                        + "\n(-Dscripts.rewrite=true rewrites expected outputs from actual ones)");
            }
            actual.add(out);
        }
        if (rewriting()) {
            String rewritten = file.rewrite(actual);
            if (!rewritten.equals(text)) {
                Files.writeString(script, rewritten, StandardCharsets.UTF_8);
            }
        }
    }

    private static String normalise(String out) {
        if (out == null) {
            return "";
        }
        String trimmed = out.stripTrailing();
        return String.join("\n", trimmed.lines().map(String::stripTrailing).toList());
    }

    private static String indent(String s) {
        return s.isEmpty() ? "  (nothing)" : "  " + s.replace("\n", "\n  ");
    }
}
