package io.shardkv.bench;

import io.shardkv.cli.Main;

/** Entry point of the bench jar; {@code bin/shardkv bench ...} runs it. */
public final class BenchMain {

    /** Held so the setting sticks (JUL keeps loggers weakly); gRPC's INFO lines are not the bench's output. */
    private static final java.util.logging.Logger GRPC_LOG = java.util.logging.Logger.getLogger("io.grpc");

    private BenchMain() {
    }

    public static void main(String[] args) {
        if (System.getProperty("shardkv.log.level") == null) {
            System.setProperty("shardkv.log.level", "WARN");
        }
        GRPC_LOG.setLevel(java.util.logging.Level.WARNING);
        System.exit(Main.commandLine(new BenchCommand()).execute(args));
    }
}
