package io.shardkv.cli;

import java.time.Duration;

/** Durations on the command line: a number with a unit, ms, s or m. */
public final class Durations {

    private Durations() {
    }

    /** {@code text} as a positive duration; an IllegalArgumentException naming {@code flag} if it is not one. */
    public static Duration parse(String text, String flag) {
        String t = text.trim();
        try {
            Duration d;
            if (t.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            } else if (t.endsWith("s")) {
                d = Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
            } else if (t.endsWith("m")) {
                d = Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 60_000));
            } else {
                throw new NumberFormatException();
            }
            if (d.isNegative() || d.isZero()) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " wants a positive duration such as 500ms, 10s or 2m, got \"" + text + "\"");
        }
    }
}
