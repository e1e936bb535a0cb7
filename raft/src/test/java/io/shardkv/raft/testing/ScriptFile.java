package io.shardkv.raft.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * A scenario script, in the format of etcd's datadriven tests: steps separated by blank lines,
 * each a command line, optional input lines, {@code ----} and the expected output up to the next
 * blank line. Output that itself holds blank lines is fenced by a second {@code ----} line after
 * the first and a closing pair ({@code ----} twice). Lines starting with {@code #} between steps
 * are comments.
 *
 * <pre>
 * # A leader is elected and replicates one entry.
 * add-nodes 3
 * ----
 * ok
 *
 * propose 1 data=x
 * ----
 * 1-&gt;2 AppendEntries term=1 prev=1/1 commit=1 entries=[2/1 x]
 * </pre>
 */
public final class ScriptFile {

    static final String SEPARATOR = "----";

    /** Where a step's expected output lies in the file's lines: [first, end), fenced or not. */
    record Span(int first, int end, boolean fenced) {
    }

    private final String name;
    private final List<String> lines;
    private final List<Directive> directives;
    private final List<Span> spans;

    private ScriptFile(String name, List<String> lines, List<Directive> directives, List<Span> spans) {
        this.name = name;
        this.lines = lines;
        this.directives = directives;
        this.spans = spans;
    }

    public String name() {
        return name;
    }

    public List<Directive> directives() {
        return directives;
    }

    /** Parses {@code text}; {@code name} appears in every message about it. */
    public static ScriptFile parse(String name, String text) {
        List<String> lines = text.lines().toList();
        List<Directive> directives = new ArrayList<>();
        List<Span> spans = new ArrayList<>();
        int i = 0;
        while (i < lines.size()) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                i++;
                continue;
            }
            int commandLine = i;
            List<String> input = new ArrayList<>();
            i++;
            while (i < lines.size() && !lines.get(i).strip().equals(SEPARATOR)) {
                if (lines.get(i).isBlank()) {
                    throw new IllegalArgumentException(name + ":" + (i + 1) + ": blank line before " + SEPARATOR
                            + " in the step at line " + (commandLine + 1));
                }
                input.add(lines.get(i));
                i++;
            }
            if (i == lines.size()) {
                throw new IllegalArgumentException(name + ":" + (commandLine + 1) + ": step without " + SEPARATOR);
            }
            i++;
            boolean fenced = i < lines.size() && lines.get(i).strip().equals(SEPARATOR);
            List<String> expected = new ArrayList<>();
            int first;
            if (fenced) {
                i++;
                first = i;
                while (i + 1 < lines.size()
                        && !(lines.get(i).strip().equals(SEPARATOR) && lines.get(i + 1).strip().equals(SEPARATOR))) {
                    expected.add(lines.get(i));
                    i++;
                }
                if (i + 1 >= lines.size()) {
                    throw new IllegalArgumentException(name + ":" + (commandLine + 1)
                            + ": fenced output never closed by two " + SEPARATOR + " lines");
                }
                spans.add(new Span(first, i, true));
                i += 2;
            } else {
                first = i;
                while (i < lines.size() && !lines.get(i).isBlank()) {
                    expected.add(lines.get(i));
                    i++;
                }
                spans.add(new Span(first, i, false));
            }
            directives.add(parseCommand(name, commandLine + 1, lines.get(commandLine), input,
                    String.join("\n", expected)));
        }
        return new ScriptFile(name, lines, directives, spans);
    }

    static Directive parseCommand(String file, int line, String text, List<String> input, String expected) {
        List<String> tokens = tokens(file, line, text.strip());
        List<Directive.Arg> args = new ArrayList<>();
        for (String t : tokens.subList(1, tokens.size())) {
            int eq = t.indexOf('=');
            if (eq < 0) {
                args.add(new Directive.Arg(t, false, List.of()));
                continue;
            }
            String key = t.substring(0, eq);
            String value = t.substring(eq + 1);
            if (key.isEmpty()) {
                throw new IllegalArgumentException(file + ":" + line + ": argument without a name: " + t);
            }
            if (value.startsWith("(") && value.endsWith(")")) {
                String inner = value.substring(1, value.length() - 1);
                args.add(new Directive.Arg(key, true, inner.isEmpty() ? List.of() : List.of(inner.split(",", -1))));
            } else {
                args.add(new Directive.Arg(key, true, List.of(value)));
            }
        }
        return new Directive(file, line, tokens.get(0), args, input, expected);
    }

    /** Splits on spaces, keeping {@code key=(a, b)} together. */
    private static List<String> tokens(String file, int line, String text) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int depth = 0;
        for (char c : text.toCharArray()) {
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
                if (depth < 0) {
                    throw new IllegalArgumentException(file + ":" + line + ": unbalanced ')' in " + text);
                }
            }
            if (c == ' ' && depth == 0) {
                if (current.length() > 0) {
                    out.add(current.toString());
                    current.setLength(0);
                }
            } else if (c != ' ') {
                current.append(c);
            }
        }
        if (depth != 0) {
            throw new IllegalArgumentException(file + ":" + line + ": unbalanced '(' in " + text);
        }
        if (current.length() > 0) {
            out.add(current.toString());
        }
        return out;
    }

    /** The file's text with each step's expected output replaced by {@code actual} (same order). */
    String rewrite(List<String> actual) {
        if (actual.size() != directives.size()) {
            throw new IllegalArgumentException(actual.size() + " outputs for " + directives.size() + " steps");
        }
        StringBuilder out = new StringBuilder();
        int next = 0;
        for (int d = 0; d < directives.size(); d++) {
            Span span = spans.get(d);
            // Everything up to the expected output: the step's text and its separator (not the fence).
            int copyEnd = span.fenced() ? span.first() - 1 : span.first();
            for (int i = next; i < copyEnd; i++) {
                out.append(lines.get(i)).append('\n');
            }
            String text = actual.get(d);
            boolean fence = text.lines().anyMatch(String::isBlank);
            if (fence) {
                out.append(SEPARATOR).append('\n');
            }
            if (!text.isEmpty()) {
                out.append(text).append('\n');
            }
            if (fence) {
                out.append(SEPARATOR).append('\n').append(SEPARATOR).append('\n');
            }
            next = span.fenced() ? span.end() + 2 : span.end();
        }
        for (int i = next; i < lines.size(); i++) {
            out.append(lines.get(i)).append('\n');
        }
        return out.toString();
    }
}
