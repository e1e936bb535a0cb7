package io.shardkv.cli;

import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code shardkv}: one entry point for every process and tool of the store. User errors (a bad
 * flag, an unreachable cluster, a refused request) print one line and exit non-zero; never a stack
 * trace.
 */
@Command(name = "shardkv", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A sharded, linearizable, fault-tolerant key/value store on Raft groups.",
        footer = {"", "Every option may also come from the environment: --ctrl from SHARDKV_CTRL,",
            "--cluster-id from SHARDKV_CLUSTER_ID, and so on; a flag given wins.",
            "Shell completion: source <(shardkv generate-completion)"},
        subcommands = {LocalCommand.class, CliCommand.class, AdminCommand.class, CtrlerCommand.class,
                ServerCommand.class, RestoreCommand.class, CertsCommand.class, CommandLine.HelpCommand.class, AutoComplete.GenerateCompletion.class})
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
        // Before anything logs: logback reads the property when it starts.
        if (System.getProperty(LogFormat.PROPERTY) == null) {
            System.setProperty(LogFormat.PROPERTY, LogFormat.requested(args, System.getenv()).configuration());
        }
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return commandLine(System.getenv());
    }

    /** The launcher's command line with options defaulting from {@code env}. */
    static CommandLine commandLine(Map<String, String> env) {
        return commandLine(new Main(), env);
    }

    /**
     * A command line for {@code root} with the launcher's error handling: a user error prints one
     * line (no stack trace) and exits {@link #USAGE} or {@link #FAILED}. Tools built on the launcher
     * (the bench) use it too.
     */
    public static CommandLine commandLine(Object root) {
        return commandLine(root, System.getenv());
    }

    /** The same, with options defaulting from {@code env} (see {@link EnvironmentDefaults}). */
    static CommandLine commandLine(Object root, Map<String, String> env) {
        CommandLine cl = new CommandLine(root);
        cl.registerConverter(ByteSize.class, ByteSize::parse);
        cl.setDefaultValueProvider(new EnvironmentDefaults(env));
        versionEverywhere(cl);
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

    /** Every subcommand's {@code --version} prints the build's, as the top level's does. */
    private static void versionEverywhere(CommandLine cl) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (sub.getCommandSpec().version().length == 0) {
                sub.getCommandSpec().versionProvider(new Version());
            }
            versionEverywhere(sub);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"shardkv " + BuildInfo.version() + " (Java " + Runtime.version() + ")"};
        }
    }
}
