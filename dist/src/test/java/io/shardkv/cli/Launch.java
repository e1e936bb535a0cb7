package io.shardkv.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** {@code bin/shardkv ARGS} run in this JVM, as the launcher runs it: its exit status and what it printed. */
final class Launch {

    record Result(int code, String out, String err) {
        /** The output; an AssertionError with everything printed unless the command exited 0. */
        String ok(String... args) {
            if (code != 0) {
                throw new AssertionError(String.join(" ", args) + " exited " + code + ": " + err + out);
            }
            return out;
        }
    }

    private Launch() {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    /** The output of a command that must succeed. */
    static String ok(String... args) {
        return run(args).ok(args);
    }
}
