package io.shardkv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.shardkv.group.MigrationDriver;
import io.shardkv.group.ShardServerCluster;
import io.shardkv.rpc.HostPort;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Commands pointed at something that is not a controller of the cluster say what the address is,
 * at once, instead of waiting out their timeout (30 s here). Each case's time is printed; the bound
 * asserted is a liveness bound far below the timeout, not a performance target.
 */
class WrongServerTest {

    private static final String TIMEOUT = "30s";
    private static final long FAR_BELOW_THE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private record Result(int code, String err, long nanos) {
    }

    @Test
    void everyKindOfWrongAddressIsNamedAtOnce(@TempDir Path tmp) throws Exception {
        try (ShardServerCluster cluster = new ShardServerCluster(tmp, 4, 0, MigrationDriver.Options.DEFAULTS, 3)) {
            String group = cluster.addresses(0).get(0);
            String controller = HostPort.format(cluster.controllerAddresses().get(0));
            String closed = closedAddress();
            OpsServer ops = OpsServer.start(InetAddress.getLoopbackAddress(), 0, new PrometheusRegistry(),
                    new Probes(cluster.controllers().get(0)));
            String metrics = "127.0.0.1:" + ops.port();
            List<String> figures = new ArrayList<>();
            try {
                expect(figures, cli(group, ShardServerCluster.CLUSTER, "get", "k"),
                        group + " is a shard-group server of group " + ShardServerCluster.GIDS[0] + ", not a controller");
                expect(figures, admin(group, ShardServerCluster.CLUSTER, "query"),
                        group + " is a shard-group server of group " + ShardServerCluster.GIDS[0] + ", not a controller");
                expect(figures, cli(closed, ShardServerCluster.CLUSTER, "get", "k"), closed + ": connection refused");
                expect(figures, cli(metrics, ShardServerCluster.CLUSTER, "get", "k"), metrics
                        + " is not a shardkv server: it is an HTTP server (it answered \"HTTP/1.1 400");
                expect(figures, cli(controller, "another-cluster", "get", "k"), controller + " refused the connection:"
                        + " cluster id 'another-cluster' differs from ours '" + ShardServerCluster.CLUSTER + "'");
                expect(figures, cli(group + "," + closed, ShardServerCluster.CLUSTER, "get", "k"),
                        "no controller at any address: " + group + " is a shard-group server of group "
                                + ShardServerCluster.GIDS[0] + ", not a controller; " + closed + ": connection refused");

                Result mixed = admin(closed + "," + controller, ShardServerCluster.CLUSTER, "query");
                assertEquals(0, mixed.code(), "one controller among the addresses is enough: " + mixed.err());
            } finally {
                ops.close();
            }
            System.out.println("time to fail of mistaken commands:\n  " + String.join("\n  ", figures));
        }
    }

    private static void expect(List<String> figures, Result r, String message) {
        assertEquals(Main.FAILED, r.code(), r.err());
        assertTrue(r.err().startsWith("shardkv: " + message), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertTrue(r.nanos() < FAR_BELOW_THE_TIMEOUT_NANOS, r.nanos() / 1e6 + " ms: " + r.err());
        figures.add(String.format("%4.0f ms  %s", r.nanos() / 1e6, r.err().strip()));
    }

    private static Result cli(String ctrl, String clusterId, String... operation) {
        List<String> args = new ArrayList<>(List.of("cli", "--ctrl", ctrl, "--cluster-id", clusterId, "--timeout", TIMEOUT));
        args.addAll(List.of(operation));
        return run(args);
    }

    private static Result admin(String ctrl, String clusterId, String... command) {
        List<String> args = new ArrayList<>(List.of("admin", "--ctrl", ctrl, "--cluster-id", clusterId, "--timeout",
                TIMEOUT));
        args.addAll(List.of(command));
        return run(args);
    }

    private static Result run(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        long start = System.nanoTime();
        int code = cl.execute(args.toArray(String[]::new));
        return new Result(code, err.toString(), System.nanoTime() - start);
    }

    private static String closedAddress() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + socket.getLocalPort();
        }
    }
}
