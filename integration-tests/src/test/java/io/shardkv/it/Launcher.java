package io.shardkv.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code bin/shardkv}'s jar run as a process of its own on the host, as an operator runs a tool. */
final class Launcher {

    private Launcher() {
    }

    /** Runs the launcher with {@code args}; fails if it has not exited within {@code limit}. */
    static CommandResult run(List<String> args, Duration limit) throws IOException, InterruptedException {
        Path root = Path.of(System.getProperty("shardkv.projectDir", "..")).toAbsolutePath().normalize();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", root.resolve("dist/target/shardkv.jar").toString()));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        // Read while it runs: a full pipe would block the tool.
        StringBuilder output = new StringBuilder();
        Thread reader = new Thread(() -> {
            try {
                output.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                output.append("(output unreadable: ").append(e).append(")");
            }
        });
        reader.start();
        if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly().waitFor();
            reader.join();
            throw new AssertionError("shardkv " + String.join(" ", args) + " did not exit within "
                    + limit.toSeconds() + " s:\n" + output);
        }
        reader.join();
        return new CommandResult(p.exitValue(), output.toString());
    }

    record CommandResult(int exitCode, String output) {
    }
}
