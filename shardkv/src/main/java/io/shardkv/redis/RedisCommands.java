package io.shardkv.redis;

import io.shardkv.kv.KvCommands;
import io.shardkv.kv.KvOps;
import io.shardkv.redis.resp.RespReply;
import io.shardkv.rpc.ctrler.Shards;
import io.shardkv.rpc.kv.KvOp;
import io.shardkv.rpc.kv.KvRequest;
import io.shardkv.rpc.kv.KvResponse;
import io.shardkv.rpc.kv.KvStatus;
import io.shardkv.rpc.tls.Role;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The Redis commands a replica answers, with Redis's reply types and error words. Key commands are
 * routed first ({@link SlotRoute}): run here on the leader of the slot's group, else {@code MOVED},
 * {@code TRYAGAIN} or {@code CLUSTERDOWN}. Connection and cluster commands are in
 * {@link ConnectionCommands}, {@link ClusterCommands} and {@link KeyCommands}. Stateless: one instance serves every
 * connection of a replica.
 */
final class RedisCommands {

    /** How often a request without an outcome in time is sent again, unchanged (so applied at most once). */
    static final int TIMEOUT_RETRIES = 2;

    /**
     * A command: its handler, Redis's arity (n: exactly n words with the name; -n: at least n) and
     * the role it needs where the port has TLS (null: anyone, before authenticating too).
     */
    record Spec(String name, int arity, Role role, KeyPositions keys, Handler handler) {
    }

    interface Handler {
        CompletableFuture<RespReply> run(RedisClient client, List<byte[]> args);
    }

    private final RedisBackend backend;
    private final Map<String, Spec> table = new TreeMap<>();

    RedisCommands(RedisBackend backend, ConnectionCommands connection, ClusterCommands cluster, KeyCommands listing) {
        this.backend = backend;
        connection.register(this);
        cluster.register(this);
        listing.register(this);
        add("get", 2, Role.READONLY, KeyPositions.ONE,
                (c, a) -> keyed(c, a.get(1), c.session.read(a.get(1)), r -> switch (r.status()) {
                    case OK -> new RespReply.Bulk(r.value());
                    case NO_KEY -> RespReply.NULL;
                    default -> unexpected(r);
                }));
        add("set", -3, Role.READWRITE, KeyPositions.ONE, this::set);
        add("setnx", 3, Role.READWRITE, KeyPositions.ONE,
                (c, a) -> keyed(c, a.get(1), c.session.write(KvOp.CAS, a.get(1), a.get(2), null),
                r -> new RespReply.Int(r.status() == KvStatus.OK ? 1 : 0)));
        add("del", -2, Role.READWRITE, KeyPositions.ALL, this::delete);
        add("unlink", -2, Role.READWRITE, KeyPositions.ALL, this::delete);
        add("exists", -2, Role.READONLY, KeyPositions.ALL, this::exists);
        add("mget", -2, Role.READONLY, KeyPositions.ALL,
                (c, a) -> sameSlot(a.subList(1, a.size()), 1, keys -> keyed(c, keys.get(0),
                c.session.readAll(keys), r -> new RespReply.Array(KvCommands.decodeList(r.value()).stream()
                        .map(RespReply::bulkOrNull).toList()))));
        add("mset", -3, Role.READWRITE, KeyPositions.PAIRS, (c, a) -> a.size() % 2 == 0 ? done(wrongArity("mset"))
                : sameSlot(a.subList(1, a.size()), 2, pairs -> keyed(c, pairs.get(0), c.session.write(KvOp.MULTI_PUT,
                        pairs.get(0), KvCommands.encodeList(pairs), null), r -> RespReply.OK)));
        add("msetnx", -3, Role.READWRITE, KeyPositions.PAIRS, (c, a) -> a.size() % 2 == 0 ? done(wrongArity("msetnx"))
                : sameSlot(a.subList(1, a.size()), 2, pairs -> keyed(c, pairs.get(0), c.session.write(
                        KvOp.MULTI_PUT_IF_ABSENT, pairs.get(0), KvCommands.encodeList(pairs), null),
                        r -> new RespReply.Int(r.status() == KvStatus.OK ? 1 : 0))));
        add("strlen", 2, Role.READONLY, KeyPositions.ONE, (c, a) -> keyed(c, a.get(1), c.session.read(a.get(1)),
                r -> new RespReply.Int(r.status() == KvStatus.OK ? r.value().length : 0)));
        add("dbsize", 1, Role.READONLY, KeyPositions.NONE, (c, a) -> backend.keyCount().thenApply(RespReply.Int::new));
        add("getset", 3, Role.READWRITE, KeyPositions.ONE,
                (c, a) -> keyed(c, a.get(1), c.session.write(KvOp.GET_AND_PUT, a.get(1), a.get(2), null),
                r -> RespReply.bulkOrNull(r.value())));
        add("getdel", 2, Role.READWRITE, KeyPositions.ONE,
                (c, a) -> keyed(c, a.get(1), c.session.write(KvOp.GET_AND_DELETE, a.get(1), null, null),
                r -> r.status() == KvStatus.OK ? new RespReply.Bulk(r.value()) : RespReply.NULL));
        add("append", 3, Role.READWRITE, KeyPositions.ONE,
                (c, a) -> keyed(c, a.get(1), c.session.write(KvOp.APPEND, a.get(1), a.get(2), null),
                RedisCommands::integer));
        add("incr", 2, Role.READWRITE, KeyPositions.ONE, (c, a) -> increment(c, a.get(1), 1));
        add("decr", 2, Role.READWRITE, KeyPositions.ONE, (c, a) -> increment(c, a.get(1), -1));
        add("incrby", 3, Role.READWRITE, KeyPositions.ONE, (c, a) -> incrementBy(c, a, false));
        add("decrby", 3, Role.READWRITE, KeyPositions.ONE, (c, a) -> incrementBy(c, a, true));
    }

    void add(String name, int arity, Role role, KeyPositions keys, Handler handler) {
        table.put(name, new Spec(name, arity, role, keys, handler));
    }

    /** The commands, by lower-case name (COMMAND lists them). */
    Map<String, Spec> table() {
        return table;
    }

    /** The command named {@code name} (any case), or null if there is none. */
    Spec find(byte[] name) {
        return table.get(new String(name, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT));
    }

    /** Runs one command, {@code spec} as {@link #find} found it for {@code args}; the reply may come later. */
    CompletableFuture<RespReply> run(RedisClient client, Spec spec, List<byte[]> args) {
        if (spec == null) {
            return done(RespReply.error("ERR unknown command '" + printable(args.get(0)) + "', with args beginning with: "
                    + argsBeginning(args)));
        }
        if (spec.arity() >= 0 ? args.size() != spec.arity() : args.size() < -spec.arity()) {
            return done(wrongArity(spec.name()));
        }
        if (client.secured && spec.role() != null) {
            if (client.identity == null) {
                return done(RespReply.error("NOAUTH Authentication required."));
            }
            Role role = client.identity.role();
            if (role == null || !role.includes(spec.role())) {
                return done(RespReply.error("NOPERM this user has no permissions to run the '" + spec.name() + "' command: it"
                        + " needs role " + spec.role().title() + "; " + client.identity.name() + " has role "
                        + (role == null ? "none" : role.title())));
            }
        }
        return spec.handler().run(client, args);
    }

    // ------------------------------------------------------------------ SET

    /**
     * SET key value [NX | XX | IFEQ expected] [GET]: NX is a compare-and-set on absence (with GET it
     * answers the value found, which is then left alone); IFEQ, Redis 8.4's conditional SET, is the
     * compare-and-set on a value; XX writes only over a value; GET answers the value replaced (or,
     * where a condition failed, the value found).
     */
    private CompletableFuture<RespReply> set(RedisClient client, List<byte[]> args) {
        boolean nx = false;
        boolean xx = false;
        boolean get = false;
        byte[] ifEqual = null;
        for (int i = 3; i < args.size(); i++) {
            String option = new String(args.get(i), StandardCharsets.UTF_8).toUpperCase(Locale.ROOT);
            switch (option) {
                case "NX" -> nx = true;
                case "XX" -> xx = true;
                case "GET" -> get = true;
                case "IFEQ" -> {
                    if (i + 1 == args.size() || ifEqual != null) {
                        return done(RespReply.error("ERR syntax error"));
                    }
                    ifEqual = args.get(++i);
                }
                case "IFNE", "IFDEQ", "IFDNE" -> {
                    return notYet("SET ... " + option);
                }
                case "EX", "PX", "EXAT", "PXAT", "KEEPTTL" -> {
                    return done(RespReply.error("ERR SET " + option + ": keys do not expire in shardkv (no TTL yet)"));
                }
                default -> {
                    return done(RespReply.error("ERR syntax error"));
                }
            }
        }
        if ((nx ? 1 : 0) + (xx ? 1 : 0) + (ifEqual != null ? 1 : 0) > 1) {
            return done(RespReply.error("ERR syntax error"));
        }
        byte[] key = args.get(1);
        byte[] value = args.get(2);
        if (nx || ifEqual != null) {
            boolean answerOld = get;
            byte[] expected = ifEqual;
            return keyed(client, key, client.session.write(KvOp.CAS, key, value, expected), r -> switch (r.status()) {
                case OK -> answerOld ? RespReply.bulkOrNull(expected) : RespReply.OK;
                case CAS_FAILED -> answerOld ? RespReply.bulkOrNull(r.value()) : RespReply.NULL;
                default -> unexpected(r);
            });
        }
        if (xx) {
            return get ? notYet("SET ... XX GET") : keyed(client, key, client.session.write(KvOp.PUT_IF_PRESENT, key,
                    value, null), r -> r.status() == KvStatus.OK ? RespReply.OK : RespReply.NULL);
        }
        if (get) {
            return keyed(client, key, client.session.write(KvOp.GET_AND_PUT, key, value, null),
                    r -> RespReply.bulkOrNull(r.value()));
        }
        return keyed(client, key, client.session.write(KvOp.PUT, key, value, null),
                r -> r.status() == KvStatus.OK ? RespReply.OK : unexpected(r));
    }

    // ------------------------------------------------------------------ several keys

    /** DEL key [key ...]: one key is a DELETE; several, of one slot, one MULTI_DELETE counting what existed. */
    private CompletableFuture<RespReply> delete(RedisClient client, List<byte[]> args) {
        if (args.size() == 2) {
            return keyed(client, args.get(1), client.session.write(KvOp.DELETE, args.get(1), null, null),
                    r -> new RespReply.Int(r.status() == KvStatus.OK ? 1 : 0));
        }
        return sameSlot(args.subList(1, args.size()), 1, keys -> keyed(client, keys.get(0),
                client.session.write(KvOp.MULTI_DELETE, keys.get(0), KvCommands.encodeList(keys), null),
                RedisCommands::integer));
    }

    /** EXISTS key [key ...]: how many of the keys exist, a key named twice counted twice, read at one point. */
    private CompletableFuture<RespReply> exists(RedisClient client, List<byte[]> args) {
        if (args.size() == 2) {
            return keyed(client, args.get(1), client.session.read(args.get(1)),
                    r -> new RespReply.Int(r.status() == KvStatus.OK ? 1 : 0));
        }
        return sameSlot(args.subList(1, args.size()), 1, keys -> keyed(client, keys.get(0), client.session.readAll(keys),
                r -> new RespReply.Int(KvCommands.decodeList(r.value()).stream().filter(v -> v != null).count())));
    }

    /**
     * Runs {@code command} on the keys (every {@code step}-th item of {@code items}) if they share a
     * hash slot, as Redis Cluster requires of a command on several keys; CROSSSLOT otherwise.
     */
    private static CompletableFuture<RespReply> sameSlot(List<byte[]> items, int step,
                                                         Function<List<byte[]>, CompletableFuture<RespReply>> command) {
        int slot = Shards.slotOf(items.get(0));
        for (int i = step; i < items.size(); i += step) {
            if (Shards.slotOf(items.get(i)) != slot) {
                return done(RespReply.error("CROSSSLOT Keys in request don't hash to the same slot"));
            }
        }
        return command.apply(List.copyOf(items));
    }

    // ------------------------------------------------------------------ counters

    private CompletableFuture<RespReply> incrementBy(RedisClient client, List<byte[]> args, boolean decrement) {
        Long by = KvOps.parseInteger(args.get(2));
        if (by == null) {
            return done(RespReply.error("ERR " + KvOps.NOT_AN_INTEGER));
        }
        if (decrement && by == Long.MIN_VALUE) {
            return done(RespReply.error("ERR decrement would overflow"));
        }
        return increment(client, args.get(1), decrement ? -by : by);
    }

    private CompletableFuture<RespReply> increment(RedisClient client, byte[] key, long by) {
        byte[] delta = ByteBuffer.allocate(Long.BYTES).putLong(by).array();
        return keyed(client, key, client.session.write(KvOp.INCREMENT, key, delta, null), RedisCommands::integer);
    }

    /** A reply whose value is a decimal integer (INCREMENT's new value, APPEND's new length). */
    private static RespReply integer(KvResponse r) {
        Long value = r.status() == KvStatus.OK && r.value() != null ? KvOps.parseInteger(r.value()) : null;
        return value == null ? unexpected(r) : new RespReply.Int(value);
    }

    // ------------------------------------------------------------------ routing

    /**
     * Routes {@code key}'s slot; where this replica serves it, runs {@code request} and answers what
     * {@code reply} makes of the outcome. The request was made for this command alone, so every
     * path through here tells the session it was answered.
     */
    CompletableFuture<RespReply> keyed(RedisClient client, byte[] key, KvRequest request,
                                       Function<KvResponse, RespReply> reply) {
        int slot = Shards.slotOf(key);
        return routed(slot, request, reply, TIMEOUT_RETRIES)
                .whenCompleteAsync((r, e) -> client.session.answered(request), client.executor);
    }

    private CompletableFuture<RespReply> routed(int slot, KvRequest request, Function<KvResponse, RespReply> reply,
                                                int retries) {
        return backend.route(slot).thenCompose(route -> {
            if (!(route instanceof SlotRoute.Here)) {
                return done(redirect(slot, route));
            }
            return backend.execute(request).thenCompose(r -> switch (r.status()) {
                case WRONG_LEADER, WRONG_GROUP, SHUTTING_DOWN -> request.op().isRead()
                        ? backend.route(slot).thenApply(again -> again instanceof SlotRoute.Here
                                ? RespReply.error("TRYAGAIN " + describe(r)) : redirect(slot, again))
                        : forwarded(request, reply);
                case TIMEOUT -> retries > 0 ? routed(slot, request, reply, retries - 1) : done(request.op().isRead()
                        ? RespReply.error("TRYAGAIN no outcome within the request timeout")
                        : unknownOutcome("no outcome within the request timeout"));
                case BAD_REQUEST, SESSION_EXPIRED -> done(RespReply.error("ERR " + describe(r)));
                default -> done(reply.apply(r));
            });
        });
    }

    /**
     * A write may have reached the log of a leader that was deposed before it answered: it must go
     * on, unchanged, to whoever serves the key now, never come back to the client as a redirect that
     * its library would follow with a second, new write.
     */
    private CompletableFuture<RespReply> forwarded(KvRequest request, Function<KvResponse, RespReply> reply) {
        return backend.forward(request).handle((r, e) -> {
            if (e != null) {
                return unknownOutcome("it could not be finished: " + e.getMessage());
            }
            return switch (r.status()) {
                case BAD_REQUEST, SESSION_EXPIRED -> RespReply.error("ERR " + describe(r));
                case OK, NO_KEY, CAS_FAILED -> reply.apply(r);
                default -> unknownOutcome(describe(r));
            };
        });
    }

    /**
     * A write that may or may not have been applied. Not TRYAGAIN, MOVED or CLUSTERDOWN: client
     * libraries send the command again on those, and this one may already have applied.
     */
    private static RespReply unknownOutcome(String why) {
        return RespReply.error("ERR the write's outcome is unknown (" + why + "): it may or may not have been applied");
    }

    private static RespReply redirect(int slot, SlotRoute route) {
        if (route instanceof SlotRoute.Moved m) {
            return RespReply.error("MOVED " + slot + " " + m.address());
        }
        if (route instanceof SlotRoute.Importing i) {
            return RespReply.error("TRYAGAIN " + i.why());
        }
        return RespReply.error("CLUSTERDOWN " + ((SlotRoute.Down) route).why());
    }

    private static String describe(KvResponse r) {
        return r.message() == null ? r.status().name() : r.message();
    }

    private static RespReply unexpected(KvResponse r) {
        return RespReply.error("ERR unexpected outcome " + describe(r));
    }

    // ------------------------------------------------------------------ helpers

    static CompletableFuture<RespReply> done(RespReply reply) {
        return CompletableFuture.completedFuture(reply);
    }

    static CompletableFuture<RespReply> notYet(String what) {
        return done(RespReply.error("ERR " + what + " is not supported by shardkv yet"));
    }

    static RespReply wrongArity(String name) {
        return RespReply.error("ERR wrong number of arguments for '" + name + "' command");
    }

    static String text(byte[] arg) {
        return new String(arg, StandardCharsets.UTF_8);
    }

    /** An argument for an error message: Redis shows at most 128 characters of it. */
    static String printable(byte[] arg) {
        String s = text(arg);
        return s.length() > 128 ? s.substring(0, 128) : s;
    }

    private static String argsBeginning(List<byte[]> args) {
        List<String> shown = new ArrayList<>();
        for (int i = 1; i < args.size() && i <= 16; i++) {
            shown.add("'" + printable(args.get(i)) + "'");
        }
        return String.join(" ", shown) + " ";
    }
}
