package io.shardkv.cli;

import java.util.Locale;
import java.util.Map;

/**
 * How a server writes its log: one text line per event, or one JSON object per line (logback's
 * {@code JsonEncoder}) for log pipelines. Chosen before logback starts, from {@code --log-format}
 * or {@code SHARDKV_LOG_FORMAT}: text is {@code logback.xml}, json {@code logback-json.xml}.
 */
enum LogFormat {
    text("logback.xml"),
    json("logback-json.xml");

    /** The system property logback finds its configuration (a class-path resource) by. */
    static final String PROPERTY = "logback.configurationFile";

    private final String configuration;

    LogFormat(String configuration) {
        this.configuration = configuration;
    }

    String configuration() {
        return configuration;
    }

    /**
     * The format {@code args} ask for ({@code --log-format json} or {@code --log-format=json}),
     * else the environment's, else text. A value that is no format is left to the option's own
     * parsing, which refuses it.
     */
    static LogFormat requested(String[] args, Map<String, String> env) {
        String value = env.get("SHARDKV_LOG_FORMAT");
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--log-format") && i + 1 < args.length) {
                value = args[i + 1];
            } else if (args[i].startsWith("--log-format=")) {
                value = args[i].substring("--log-format=".length());
            }
        }
        return value != null && value.trim().toLowerCase(Locale.ROOT).equals("json") ? json : text;
    }
}
