package io.shardkv.redis;

import static io.shardkv.redis.RedisCommands.done;
import static io.shardkv.redis.RedisCommands.text;

import io.shardkv.redis.resp.RespReply;
import io.shardkv.rpc.tls.PeerCertificates;
import io.shardkv.rpc.tls.Role;
import io.shardkv.rpc.tls.TokenFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/** The commands about the connection itself and the server: PING, HELLO, CLIENT, COMMAND, INFO and the like. */
final class ConnectionCommands {

    /** The Redis version reported: the command set and replies follow Redis 7.0's. */
    static final String REDIS_VERSION = "7.0.0";

    private final RedisBackend backend;
    private final String version;
    private final TokenFile tokens;
    private final LongSupplier clockMillis;
    private RedisCommands commands;

    /**
     * @param version shardkv's version, which HELLO and INFO report
     * @param tokens  the tokens AUTH accepts; null for none
     */
    ConnectionCommands(RedisBackend backend, String version, TokenFile tokens, LongSupplier clockMillis) {
        this.backend = backend;
        this.version = version;
        this.tokens = tokens;
        this.clockMillis = clockMillis;
    }

    void register(RedisCommands commands) {
        this.commands = commands;
        commands.add("ping", -1, Role.READONLY, KeyPositions.NONE,
                (c, a) -> done(a.size() == 1 ? new RespReply.Simple("PONG")
                : a.size() == 2 ? new RespReply.Bulk(a.get(1)) : RedisCommands.wrongArity("ping")));
        commands.add("echo", 2, Role.READONLY, KeyPositions.NONE, (c, a) -> done(new RespReply.Bulk(a.get(1))));
        commands.add("hello", -1, null, KeyPositions.NONE, this::hello);
        commands.add("auth", -2, null, KeyPositions.NONE,
                (c, a) -> done(a.size() > 3 ? RespReply.error("ERR syntax error")
                : authenticate(c, a.size() == 3 ? text(a.get(1)) : null, text(a.get(a.size() - 1)))));
        commands.add("select", 2, Role.READONLY, KeyPositions.NONE,
                (c, a) -> done("0".equals(text(a.get(1))) ? RespReply.OK
                : RespReply.error("ERR SELECT is not allowed in cluster mode")));
        commands.add("quit", -1, null, KeyPositions.NONE, (c, a) -> {
            c.quitting = true;
            return done(RespReply.OK);
        });
        commands.add("readonly", 1, Role.READONLY, KeyPositions.NONE, (c, a) -> {
            c.readOnly = true;
            return done(RespReply.OK);
        });
        commands.add("readwrite", 1, Role.READONLY, KeyPositions.NONE, (c, a) -> {
            c.readOnly = false;
            return done(RespReply.OK);
        });
        commands.add("client", -2, Role.READONLY, KeyPositions.NONE, this::client);
        commands.add("command", -1, Role.READONLY, KeyPositions.NONE, this::command);
        commands.add("info", -1, Role.READONLY, KeyPositions.NONE, (c, a) -> done(new RespReply.Verbatim(info())));
        commands.add("config", -2, Role.READONLY, KeyPositions.NONE, this::config);
    }

    /**
     * AUTH [name] token, and HELLO's AUTH: a token from the replica's token file (TLS only) makes the
     * connection its holder's, with its role. A name, if given, must be the token's.
     */
    private RespReply authenticate(RedisClient client, String name, String token) {
        if (tokens == null) {
            return noPassword();
        }
        PeerCertificates.Holder holder = tokens.holder(token).orElse(null);
        if (holder == null || name != null && !name.equals(holder.name()) && !name.equals("default")) {
            return RespReply.error("WRONGPASS invalid username-password pair or user is disabled.");
        }
        client.identity = new PeerCertificates.Holder("the token of '" + holder.name() + "'", holder.role());
        return RespReply.OK;
    }

    /**
     * CONFIG GET answers the few parameters tools ask about (redis-benchmark asks for save and
     * appendonly): every acknowledged write is in a majority's fsynced log, which is what appendonly
     * with appendfsync always means, and there are no RDB snapshots to schedule. Other parameters
     * are not there (an empty answer, as Redis gives for an unknown one); CONFIG SET is refused.
     */
    private CompletableFuture<RespReply> config(RedisClient client, List<byte[]> args) {
        String sub = text(args.get(1)).toUpperCase(Locale.ROOT);
        if (!sub.equals("GET")) {
            return RedisCommands.notYet("CONFIG " + sub);
        }
        List<RespReply> found = new ArrayList<>();
        for (int i = 2; i < args.size(); i++) {
            String parameter = text(args.get(i)).toLowerCase(Locale.ROOT);
            String value = switch (parameter) {
                case "save" -> "";
                case "appendonly" -> "yes";
                case "appendfsync" -> "always";
                case "databases" -> "1";
                case "cluster-enabled" -> "yes";
                default -> null;
            };
            if (value != null) {
                found.add(RespReply.bulk(parameter));
                found.add(RespReply.bulk(value));
            }
        }
        return done(new RespReply.Map(found));
    }

    private static RespReply noPassword() {
        return RespReply.error("ERR AUTH <password> called without any password configured for the default user."
                + " Are you sure your configuration is correct?");
    }

    private CompletableFuture<RespReply> hello(RedisClient client, List<byte[]> args) {
        int protocol = client.protocol;
        int i = 1;
        if (args.size() > 1) {
            String requested = text(args.get(1));
            if (!requested.equals("2") && !requested.equals("3")) {
                return done(requested.matches("-?[0-9]+") ? RespReply.error("NOPROTO unsupported protocol version")
                        : RespReply.error("ERR Protocol version is not an integer or out of range"));
            }
            protocol = Integer.parseInt(requested);
            i = 2;
        }
        String name = null;
        for (; i < args.size(); i++) {
            String option = text(args.get(i)).toUpperCase(Locale.ROOT);
            if (option.equals("AUTH") && i + 2 < args.size()) {
                RespReply auth = authenticate(client, text(args.get(i + 1)), text(args.get(i + 2)));
                if (auth != RespReply.OK) {
                    return done(auth);
                }
                i += 2;
            } else if (option.equals("SETNAME") && i + 1 < args.size()) {
                name = text(args.get(++i));
                if (!validName(name)) {
                    return done(badName());
                }
            } else {
                return done(RespReply.error("ERR Syntax error in HELLO option '" + text(args.get(i)) + "'"));
            }
        }
        if (client.secured && client.identity == null) {
            return done(RespReply.error("NOAUTH HELLO must be called with the client already authenticated, otherwise the"
                    + " HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP"
                    + " protocol version at the same time"));
        }
        client.protocol = protocol;
        if (name != null) {
            client.name = name;
        }
        return done(new RespReply.Map(List.of(
                RespReply.bulk("server"), RespReply.bulk("redis"),
                RespReply.bulk("version"), RespReply.bulk(REDIS_VERSION),
                RespReply.bulk("proto"), new RespReply.Int(protocol),
                RespReply.bulk("id"), new RespReply.Int(client.id),
                RespReply.bulk("mode"), RespReply.bulk("cluster"),
                RespReply.bulk("role"), RespReply.bulk("master"),
                RespReply.bulk("modules"), RespReply.EMPTY_ARRAY)));
    }

    private CompletableFuture<RespReply> client(RedisClient client, List<byte[]> args) {
        String sub = text(args.get(1)).toUpperCase(Locale.ROOT);
        switch (sub) {
            case "SETNAME" -> {
                if (args.size() != 3) {
                    return done(RedisCommands.wrongArity("client|setname"));
                }
                String name = text(args.get(2));
                if (!validName(name)) {
                    return done(badName());
                }
                client.name = name;
                return done(RespReply.OK);
            }
            case "GETNAME" -> {
                return done(client.name.isEmpty() ? RespReply.NULL : RespReply.bulk(client.name));
            }
            case "ID" -> {
                return done(new RespReply.Int(client.id));
            }
            case "INFO" -> {
                return done(new RespReply.Verbatim(describe(client) + "\n"));
            }
            case "SETINFO" -> {
                // Client libraries announce their name and version; nothing here depends on them.
                return done(args.size() == 4 ? RespReply.OK : RedisCommands.wrongArity("client|setinfo"));
            }
            default -> {
                return done(RespReply.error("ERR unknown subcommand '" + text(args.get(1))
                        + "'. Try CLIENT HELP."));
            }
        }
    }

    private String describe(RedisClient client) {
        long ageSeconds = (clockMillis.getAsLong() - client.createdMillis) / 1000;
        return "id=" + client.id + " addr=" + address(client) + " name=" + client.name + " age=" + ageSeconds
                + " db=0 resp=" + client.protocol + (client.readOnly ? " flags=r" : " flags=N");
    }

    private static String address(RedisClient client) {
        String a = String.valueOf(client.address);
        return a.startsWith("/") ? a.substring(1) : a;
    }

    /**
     * COMMAND lists the commands with their arity and where their keys are (first key, last key,
     * step), which cluster clients use to route; COMMAND COUNT counts them; COMMAND DOCS (what
     * redis-cli asks at start) has no documents to give.
     */
    private CompletableFuture<RespReply> command(RedisClient client, List<byte[]> args) {
        if (args.size() == 1) {
            List<RespReply> all = new ArrayList<>();
            commands.table().values().forEach(spec -> all.add(describe(spec)));
            return done(new RespReply.Array(all));
        }
        String sub = text(args.get(1)).toUpperCase(Locale.ROOT);
        return switch (sub) {
            case "COUNT" -> done(new RespReply.Int(commands.table().size()));
            case "DOCS" -> done(new RespReply.Map(List.of()));
            case "INFO" -> {
                List<RespReply> found = new ArrayList<>();
                for (int i = 2; i < args.size(); i++) {
                    RedisCommands.Spec spec = commands.table().get(text(args.get(i)).toLowerCase(Locale.ROOT));
                    found.add(spec == null ? RespReply.NULL : describe(spec));
                }
                yield done(new RespReply.Array(found));
            }
            default -> done(RespReply.error("ERR unknown subcommand '" + text(args.get(1)) + "'. Try COMMAND HELP."));
        };
    }

    private static RespReply describe(RedisCommands.Spec spec) {
        KeyPositions keys = spec.keys();
        return new RespReply.Array(List.of(RespReply.bulk(spec.name()), new RespReply.Int(spec.arity()),
                new RespReply.Array(List.of()), new RespReply.Int(keys.first()), new RespReply.Int(keys.last()),
                new RespReply.Int(keys.step())));
    }

    private String info() {
        return "# Server\r\nredis_version:" + REDIS_VERSION + "\r\nredis_mode:cluster\r\nshardkv_version:" + version
                + "\r\n\r\n# Cluster\r\ncluster_enabled:1\r\n\r\n# Replication\r\nrole:master\r\n\r\n# Keyspace\r\n"
                + "shardkv_shards:" + backend.numShards() + "\r\n";
    }

    private static boolean validName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (ch < '!' || ch > '~') {
                return false;
            }
        }
        return true;
    }

    private static RespReply badName() {
        return RespReply.error("ERR Client names cannot contain spaces, newlines or special characters.");
    }
}
