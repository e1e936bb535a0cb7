package io.shardkv.redis;

/**
 * Where a command's keys are among its arguments, as COMMAND reports them and cluster clients route
 * by them: the first key, the last (-1: the last argument) and the step between keys; 0, 0, 0 for a
 * command without keys.
 */
record KeyPositions(int first, int last, int step) {

    static final KeyPositions NONE = new KeyPositions(0, 0, 0);
    /** One key, the first argument. */
    static final KeyPositions ONE = new KeyPositions(1, 1, 1);
    /** Every argument is a key (DEL, MGET). */
    static final KeyPositions ALL = new KeyPositions(1, -1, 1);
    /** Keys and values in turn (MSET). */
    static final KeyPositions PAIRS = new KeyPositions(1, -1, 2);
}
