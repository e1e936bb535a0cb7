package io.shardkv.cli;

import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every option may come from the environment: {@code --ctrl} from {@code SHARDKV_CTRL},
 * {@code --cluster-id} from {@code SHARDKV_CLUSTER_ID}, and so on (the long name, upper case,
 * dashes as underscores, prefixed {@code SHARDKV_}). A flag given on the command line wins over
 * the environment, which wins over the built-in default.
 */
final class EnvironmentDefaults implements IDefaultValueProvider {

    private final Map<String, String> env;

    EnvironmentDefaults(Map<String, String> env) {
        this.env = env;
    }

    /** The variable an option is read from, e.g. {@code SHARDKV_SNAPSHOT_BYTES} for {@code --snapshot-bytes}. */
    static String variable(OptionSpec option) {
        return "SHARDKV_" + option.longestName().replaceFirst("^-+", "").replace('-', '_').toUpperCase(Locale.ROOT);
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option) || option.usageHelp() || option.versionHelp()
                || !option.longestName().startsWith("--")) {
            return null;
        }
        String value = env.get(variable(option));
        return value == null || value.isBlank() ? null : value;
    }
}
