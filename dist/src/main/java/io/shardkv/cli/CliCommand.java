package io.shardkv.cli;

import io.shardkv.client.ShardKvClient;
import io.shardkv.client.ShardKvException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code shardkv cli}: one operation from the arguments, or — with none — pipe mode: one command
 * per line on stdin, one reply per line on stdout, as one long-lived client session.
 */
@Command(name = "cli", mixinStandardHelpOptions = true,
        description = {"Run one operation, or with no operation read commands from stdin, one per line (pipe mode).",
            "Operations: get KEY | put KEY VALUE | append KEY VALUE | delete KEY | cas KEY EXPECTED NEW",
            "  (cas: EXPECTED '-' means the key must be absent).",
            "Pipe-mode replies: OK | VALUE <value> | NIL | TRUE | FALSE | ERR <KIND> <message>,",
            "  KIND one of TIMEOUT, UNAVAILABLE, BAD_REQUEST, SESSION_EXPIRED, CLOSED, INTERRUPTED (see the client's",
            "  ShardKvException.Kind), or USAGE for a bad command line.",
            "Keys and values are UTF-8 text where \\xNN is the byte NN and \\\\ a backslash; values print the same way,",
            "  so any bytes can be typed and none is replaced. --hex: keys and values in hex instead."})
final class CliCommand implements Callable<Integer> {

    @Mixin
    ClusterTarget target;

    @Parameters(arity = "0..*", paramLabel = "OPERATION", description = "The operation and its arguments.")
    List<String> words = List.of();

    @Option(names = "--hex", description = "Keys and values are given and printed in hex (ff00 is the bytes 0xff, 0x00).")
    boolean hex;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try (ShardKvClient client = ShardKvClient.connect(target.clientConfig())) {
            PrintWriter out = spec.commandLine().getOut();
            if (words.isEmpty()) {
                return pipe(client, out, hex);
            }
            Reply r = execute(client, words, hex);
            if (r.error()) {
                spec.commandLine().getErr().println("shardkv: " + r.text());
                return r.usage() ? Main.USAGE : Main.FAILED;
            }
            out.println(r.text().startsWith("VALUE ") ? r.text().substring(6) : r.text().equals("NIL") ? "(nil)" : r.text());
            out.flush();
            return 0;
        }
    }

    private static int pipe(ShardKvClient client, PrintWriter out, boolean hex) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            out.println(execute(client, split(line), hex).text());
            out.flush();
        }
        return 0;
    }

    /** Splits a pipe-mode line: the operation, the key, and for put/append the rest of the line as the value. */
    static List<String> split(String line) {
        String[] head = line.strip().split("\\s+", 3);
        String op = head[0].toLowerCase();
        if ((op.equals("put") || op.equals("append")) && head.length == 3) {
            return List.of(head[0], head[1], head[2]);
        }
        return List.of(line.strip().split("\\s+"));
    }

    /** A reply line; errors carry their kind. */
    record Reply(String text, boolean error, boolean usage) {
        static Reply ok(String text) {
            return new Reply(text, false, false);
        }

        static Reply usageError(String message) {
            return new Reply("ERR USAGE " + message, true, true);
        }
    }

    static Reply execute(ShardKvClient client, List<String> w, boolean hex) {
        String op = w.get(0).toLowerCase();
        try {
            switch (op) {
                case "get" -> {
                    expect(w, 2, "get KEY");
                    byte[] v = client.get(ByteText.parse(w.get(1), hex, "key"));
                    return Reply.ok(v == null ? "NIL" : "VALUE " + ByteText.format(v, hex));
                }
                case "put" -> {
                    expect(w, 3, "put KEY VALUE");
                    client.put(ByteText.parse(w.get(1), hex, "key"), ByteText.parse(w.get(2), hex, "value"));
                    return Reply.ok("OK");
                }
                case "append" -> {
                    expect(w, 3, "append KEY VALUE");
                    client.append(ByteText.parse(w.get(1), hex, "key"), ByteText.parse(w.get(2), hex, "value"));
                    return Reply.ok("OK");
                }
                case "delete" -> {
                    expect(w, 2, "delete KEY");
                    return Reply.ok(client.delete(ByteText.parse(w.get(1), hex, "key")) ? "TRUE" : "FALSE");
                }
                case "cas" -> {
                    expect(w, 4, "cas KEY EXPECTED NEW");
                    byte[] expected = w.get(2).equals("-") ? null : ByteText.parse(w.get(2), hex, "expected value");
                    return Reply.ok(client.compareAndSet(ByteText.parse(w.get(1), hex, "key"), expected,
                            ByteText.parse(w.get(3), hex, "value")) ? "TRUE" : "FALSE");
                }
                default -> {
                    return Reply.usageError("unknown operation \"" + w.get(0) + "\" (get, put, append, delete, cas)");
                }
            }
        } catch (IllegalArgumentException e) {
            return Reply.usageError(e.getMessage());
        } catch (ShardKvException e) {
            return new Reply("ERR " + e.kind() + " " + Main.oneLine(e).replaceFirst("^" + e.kind() + ": ", ""), true,
                    false);
        }
    }

    private static void expect(List<String> w, int n, String usage) {
        if (w.size() != n) {
            throw new IllegalArgumentException("usage: " + usage);
        }
    }
}
