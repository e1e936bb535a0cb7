package io.shardkv.redis;

import java.util.Set;

/**
 * Where a command's keys are among its arguments, as COMMAND reports them (first key, last key
 * with -1 for the last argument, step); cluster clients route by them. Commands without keys
 * answer 0, 0, 0.
 */
final class KeyPositions {

    private static final Set<String> ALL_KEYS = Set.of("del", "unlink", "exists", "mget");
    private static final Set<String> KEY_VALUE_PAIRS = Set.of("mset", "msetnx");
    private static final Set<String> NO_KEYS = Set.of("ping", "echo", "hello", "auth", "select", "quit", "readonly",
            "readwrite", "client", "command", "info", "config", "dbsize", "cluster", "scan", "keys");

    private KeyPositions() {
    }

    static int firstKey(String command) {
        return NO_KEYS.contains(command) ? 0 : 1;
    }

    static int lastKey(String command) {
        if (NO_KEYS.contains(command)) {
            return 0;
        }
        return ALL_KEYS.contains(command) || KEY_VALUE_PAIRS.contains(command) ? -1 : 1;
    }

    static int step(String command) {
        return KEY_VALUE_PAIRS.contains(command) ? 2 : 1;
    }
}
