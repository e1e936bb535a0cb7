package io.shardkv.redis;

import static io.shardkv.redis.RedisCommands.done;
import static io.shardkv.redis.RedisCommands.text;

import io.shardkv.redis.resp.RespReply;
import io.shardkv.rpc.tls.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * SCAN and KEYS over the keys this replica holds in the shards its group serves, as Redis Cluster
 * answers them per node, from the replica's applied state (not linearizable reads). An iteration
 * goes in (shard, key) order, so a full SCAN returns each key present throughout it exactly once;
 * keys of a shard that moves away meanwhile are not returned, as in Redis Cluster's resharding.
 */
final class KeyCommands {

    /** SCAN's COUNT when none is given, as in Redis. */
    static final int DEFAULT_COUNT = 10;
    /** The most keys one SCAN reads: COUNT is a hint, and one read must not hold the node's thread long. */
    static final int MAX_COUNT = 10_000;
    /** KEYS answers at most this many keys; past it the client is told to SCAN instead. */
    static final int KEYS_LIMIT = 1_000_000;

    private final RedisBackend backend;
    private final ScanCursors cursors;

    KeyCommands(RedisBackend backend, ScanCursors cursors) {
        this.backend = backend;
        this.cursors = cursors;
    }

    void register(RedisCommands commands) {
        commands.add("scan", -2, Role.READONLY, KeyPositions.NONE, this::scan);
        commands.add("keys", 2, Role.READONLY, KeyPositions.NONE, this::keys);
    }

    /** SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]. */
    private CompletableFuture<RespReply> scan(RedisClient client, List<byte[]> args) {
        KeyPage.Position from;
        String cursor = text(args.get(1));
        if ("0".equals(cursor)) {
            from = KeyPage.Position.START;
        } else {
            Long id = unsigned(cursor);
            from = id == null ? null : cursors.find(id);
            if (from == null) {
                return done(RespReply.error("ERR invalid cursor"));
            }
        }
        GlobPattern match = null;
        int count = DEFAULT_COUNT;
        boolean strings = true;
        for (int i = 2; i < args.size(); i += 2) {
            if (i + 1 == args.size()) {
                return done(RespReply.error("ERR syntax error"));
            }
            String option = text(args.get(i)).toUpperCase(Locale.ROOT);
            byte[] value = args.get(i + 1);
            switch (option) {
                case "MATCH" -> match = new GlobPattern(value);
                case "COUNT" -> {
                    Long n = unsigned(text(value));
                    if (n == null || n > Integer.MAX_VALUE) {
                        return done(RespReply.error("ERR value is not an integer or out of range"));
                    }
                    if (n < 1) {
                        return done(RespReply.error("ERR syntax error"));
                    }
                    count = (int) Math.min(n, MAX_COUNT);
                }
                case "TYPE" -> strings = "string".equalsIgnoreCase(text(value));
                default -> {
                    return done(RespReply.error("ERR syntax error"));
                }
            }
        }
        if (!strings) {
            // Every key holds a string: no other type has a key anywhere, so the iteration is complete.
            return done(scanReply(0, List.of()));
        }
        GlobPattern filter = match == null || match.matchesAll() ? null : match;
        return backend.keys(from, backend.numShards() - 1, count).thenApplyAsync(page -> {
            List<byte[]> keys = filter == null ? page.keys()
                    : page.keys().stream().filter(filter::matches).toList();
            return scanReply(page.next() == null ? 0 : cursors.save(page.next()), keys);
        }, client.executor);
    }

    private static RespReply scanReply(long cursor, List<byte[]> keys) {
        return new RespReply.Array(List.of(RespReply.bulk(Long.toUnsignedString(cursor)),
                new RespReply.Array(keys.stream().<RespReply>map(RespReply.Bulk::new).toList())));
    }

    /** KEYS pattern: every matching key, unless more than {@link #KEYS_LIMIT} match. */
    private CompletableFuture<RespReply> keys(RedisClient client, List<byte[]> args) {
        GlobPattern pattern = new GlobPattern(args.get(1));
        List<RespReply> found = new ArrayList<>();
        boolean[] tooMany = new boolean[1];
        return KeyListing.walk(backend, KeyPage.Position.START, backend.numShards() - 1, client.executor, key -> {
            if (pattern.matches(key)) {
                if (found.size() == KEYS_LIMIT) {
                    tooMany[0] = true;
                    return false;
                }
                found.add(new RespReply.Bulk(key));
            }
            return true;
        }).thenApply(v -> tooMany[0]
                ? RespReply.error("ERR KEYS matched more than " + KEYS_LIMIT + " keys on this node; use SCAN")
                : new RespReply.Array(found));
    }

    /** An unsigned 64-bit decimal as Redis writes cursors, or null. */
    static Long unsigned(String text) {
        if (text.isEmpty() || text.length() > 20 || text.charAt(0) == '+' || text.charAt(0) == '-') {
            return null;
        }
        try {
            return Long.parseUnsignedLong(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
