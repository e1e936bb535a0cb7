package io.shardkv.raft.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * One step of a scenario script: a command line such as {@code propose 1 data=hello}, optional
 * input lines below it, and the output the step is expected to print (everything after
 * {@code ----}). Arguments are written {@code word}, {@code key=value} or {@code key=(a,b,c)}.
 *
 * @param file     the script the step comes from, for messages
 * @param line     the step's line in that file (1-based)
 * @param command  the first word of the command line
 * @param args     the rest of the command line, in order
 * @param input    lines between the command line and {@code ----} (a block's body, a table)
 * @param expected what the step must print, without the trailing newline; empty if nothing
 */
public record Directive(String file, int line, String command, List<Arg> args, List<String> input,
                        String expected) {

    /**
     * One argument: a plain word ({@code hasValue} false, no values), or {@code key=value} /
     * {@code key=(a,b)} / {@code key=()} with its values.
     */
    public record Arg(String key, boolean hasValue, List<String> values) {

        public Arg {
            values = List.copyOf(values);
            if (!hasValue && !values.isEmpty()) {
                throw new IllegalArgumentException("a plain word has no values: " + key + " " + values);
            }
        }

        @Override
        public String toString() {
            return !hasValue ? key
                    : values.size() == 1 ? key + "=" + values.get(0) : key + "=(" + String.join(",", values) + ")";
        }
    }

    public Directive {
        args = List.copyOf(args);
        input = List.copyOf(input);
    }

    /** Where this step is, as {@code file:line}, for failure messages. */
    public String where() {
        return file + ":" + line;
    }

    /** The arguments that have no value ({@code 1 2 3} in {@code campaign 1 2 3}), in order. */
    public List<String> words() {
        // Loops, not streams: interpreters look arguments up several times per step, and scripts
        // repeat steps thousands of times (the Raft lab's figure 8 runs 1000 rounds).
        List<String> words = new ArrayList<>(args.size());
        for (Arg a : args) {
            if (!a.hasValue()) {
                words.add(a.key());
            }
        }
        return Collections.unmodifiableList(words);
    }

    /** The {@code i}-th word, or a failure naming the step. */
    public String word(int i) {
        List<String> words = words();
        if (i >= words.size()) {
            throw fail("expected at least " + (i + 1) + " plain argument(s), got " + words);
        }
        return words.get(i);
    }

    /** The {@code i}-th word as an int. */
    public int intWord(int i) {
        return parseInt(word(i), "argument " + (i + 1));
    }

    /** Every word as an int ({@code 1 2 3}). */
    public List<Integer> intWords() {
        List<String> words = words();
        return words.stream().map(w -> parseInt(w, "argument " + w)).toList();
    }

    /** The values of {@code key=...}, if present. */
    public Optional<List<String>> values(String key) {
        for (Arg a : args) {
            if (a.hasValue() && a.key().equals(key)) {
                return Optional.of(a.values());
            }
        }
        return Optional.empty();
    }

    /** The single value of {@code key=value}, if present. */
    public Optional<String> value(String key) {
        return values(key).map(v -> {
            if (v.size() != 1) {
                throw fail(key + " takes one value, got " + v);
            }
            return v.get(0);
        });
    }

    public String string(String key, String fallback) {
        return value(key).orElse(fallback);
    }

    public long longValue(String key, long fallback) {
        return value(key).map(v -> parseLong(v, key)).orElse(fallback);
    }

    public int intValue(String key, int fallback) {
        return value(key).map(v -> parseInt(v, key)).orElse(fallback);
    }

    public boolean booleanValue(String key, boolean fallback) {
        return value(key).map(v -> switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw fail(key + " must be true or false, was " + v);
        }).orElse(fallback);
    }

    /** The value of {@code key} as ints ({@code voters=(1,2,3)}), or {@code fallback}. */
    public List<Integer> intValues(String key, List<Integer> fallback) {
        return values(key).map(v -> v.stream().map(s -> parseInt(s, key)).toList()).orElse(fallback);
    }

    /**
     * A length of time such as {@code 500ms}, {@code 2s} or {@code 250us}, in microseconds (the
     * simulator's unit). A bare number is refused: the unit must be written.
     */
    public long micros(String text) {
        int digits = 0;
        while (digits < text.length() && Character.isDigit(text.charAt(digits))) {
            digits++;
        }
        long unit = switch (text.substring(digits)) {
            case "us" -> 1;
            case "ms" -> 1_000;
            case "s" -> 1_000_000;
            default -> throw fail("a duration is a whole number with us, ms or s (500ms, 2s), was " + text);
        };
        if (digits == 0) {
            throw fail("a duration is a whole number with us, ms or s (500ms, 2s), was " + text);
        }
        return parseLong(text.substring(0, digits), "duration " + text) * unit;
    }

    /** The {@code i}-th word as a duration in microseconds ({@code sleep 500ms}). */
    public long microsWord(int i) {
        return micros(word(i));
    }

    /** The value of {@code key} as a duration in microseconds ({@code pause=10ms}), or {@code fallback}. */
    public long microsValue(String key, long fallback) {
        return value(key).map(this::micros).orElse(fallback);
    }

    /**
     * The input lines read as steps, for block commands such as {@code repeat}: one command per
     * line (indent as you like; {@code #} lines are skipped), each numbered with its own line of the
     * file and with no expected output of its own. Fails if there are none.
     */
    public List<Directive> body() {
        List<Directive> steps = new ArrayList<>();
        for (int i = 0; i < input.size(); i++) {
            String text = input.get(i).strip();
            if (!text.startsWith("#")) {
                steps.add(ScriptFile.parseCommand(file, line + 1 + i, text, List.of(), ""));
            }
        }
        if (steps.isEmpty()) {
            throw fail("needs a body: one step per line below the command line");
        }
        return steps;
    }

    /** Requires that only the keys in {@code allowed} (and plain words) appear. */
    public Directive allowing(String... allowed) {
        List<String> ok = List.of(allowed);
        for (Arg a : args) {
            if (a.hasValue() && !ok.contains(a.key())) {
                throw fail("unknown argument " + a.key() + "=; " + command + " takes " + ok);
            }
        }
        return this;
    }

    /** An error naming this step, to throw from an interpreter. */
    public IllegalArgumentException fail(String message) {
        return new IllegalArgumentException(where() + ": " + command + ": " + message);
    }

    private int parseInt(String s, String what) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw fail(what + " must be an integer, was " + s);
        }
    }

    private long parseLong(String s, String what) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw fail(what + " must be an integer, was " + s);
        }
    }

    /** The command line as written (normalised spacing). */
    public String commandLine() {
        StringBuilder sb = new StringBuilder(command);
        for (Arg a : args) {
            sb.append(' ').append(a);
        }
        return sb.toString();
    }
}
