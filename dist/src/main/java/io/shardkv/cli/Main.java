package io.shardkv.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code shardkv}: one entry point for every process and tool of the store. User errors (a bad
 * flag, an unreachable cluster, a refused request) print one line and exit non-zero; never a stack
 * trace.
 */
@Command(name = "shardkv", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A sharded, linearizable, fault-tolerant key/value store on Raft groups.",
        subcommands = {LocalCommand.class, CliCommand.class, AdminCommand.class, CtrlerCommand.class,
                ServerCommand.class, CommandLine.HelpCommand.class})
public final class Main {

    /** Exit code of a failed operation (unreachable cluster, refused request). */
    public static final int FAILED = 1;
    /** Exit code of a usage error (bad flag, bad argument). */
    public static final int USAGE = 2;

    private Main() {
    }

    public static void main(String[] args) {
        boolean server = args.length > 0 && (args[0].equals("ctrler") || args[0].equals("server"));
        if (!server && System.getProperty("shardkv.log.level") == null) {
            // Tools print their results; the transport's connection chatter is for servers' logs.
            System.setProperty("shardkv.log.level", "WARN");
        }
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return commandLine(new Main());
    }

    /**
     * A command line for {@code root} with the launcher's error handling: a user error prints one
     * line (no stack trace) and exits {@link #USAGE} or {@link #FAILED}. Tools built on the launcher
     * (the bench) use it too.
     */
    public static CommandLine commandLine(Object root) {
        CommandLine cl = new CommandLine(root);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("shardkv: " + oneLine(e));
            return e instanceof IllegalArgumentException ? USAGE : FAILED;
        });
        cl.setParameterExceptionHandler((e, args) -> {
            CommandLine c = e.getCommandLine();
            c.getErr().println("shardkv: " + e.getMessage() + " (see: " + c.getCommandSpec().qualifiedName() + " --help)");
            return USAGE;
        });
        return cl;
    }

    /** An exception as one line: its message, or its class if it has none; causes only when they add something. */
    public static String oneLine(Throwable e) {
        Throwable t = e;
        while ((t.getMessage() == null || t.getMessage().isBlank()) && t.getCause() != null) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return m.lines().findFirst().orElse(m);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"shardkv " + (v == null ? "(development build)" : v)};
        }
    }
}
