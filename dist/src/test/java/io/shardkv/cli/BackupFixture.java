package io.shardkv.cli;

import io.shardkv.client.ShardKvClient;
import io.shardkv.group.MigrationDriver;
import io.shardkv.group.ShardServerCluster;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a kept backup of the backup format ({@code backup.manifest}, controller and group
 * images): a cluster of three groups with keys, sessions and a moved shard, backed up by today's
 * {@code admin backup}, with the values it holds in {@code expected.txt}.
 * {@code BackupFormatFixtureTest} restores every kept backup under
 * {@code src/test/resources/backups/} with today's {@code restore}, so a format change that cannot
 * read an older backup fails the build. When the format changes, write a new fixture beside the
 * old ones:
 *
 * <pre>mvn -q -pl dist test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.shardkv.cli.BackupFixture -Dexec.args=dist/src/test/resources/backups/NAME</pre>
 */
public final class BackupFixture {

    static final int SHARDS = 10;
    static final String EXPECTED = "expected.txt";

    private BackupFixture() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        if (Files.exists(dir)) {
            throw new IllegalArgumentException(dir + " exists: a fixture is written once and then kept as it is");
        }
        Path tmp = Files.createTempDirectory("backup-fixture");
        Map<String, String> expected = new LinkedHashMap<>();
        try (ShardServerCluster cluster = new ShardServerCluster(tmp, SHARDS, 4096, MigrationDriver.Options.DEFAULTS, 1)) {
            cluster.awaitSettled(cluster.join(0, 1, 2).num(), Duration.ofSeconds(30));
            String ctrl = BackupRestoreTest.addresses(cluster);
            try (ShardKvClient kv = BackupRestoreTest.client(ctrl)) {
                for (int i = 0; i < 40; i++) {
                    String v = "value-" + i + "-" + "x".repeat(60);
                    kv.put("key-" + i, v);
                    expected.put("key-" + i, v);
                }
                cluster.awaitSettled(cluster.move(3, 0).num(), Duration.ofSeconds(30));
                for (int i = 0; i < 10; i++) {
                    kv.append("key-" + i, "+tail");
                    expected.put("key-" + i, expected.get("key-" + i) + "+tail");
                }
            }
            StringWriter out = new StringWriter();
            int exit = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(out))
                    .execute("admin", "--ctrl", ctrl, "--cluster-id", ShardServerCluster.CLUSTER, "backup", "--out",
                            dir.toString());
            if (exit != 0) {
                throw new IllegalStateException("the backup failed:\n" + out);
            }
        }
        List<String> lines = new ArrayList<>();
        expected.forEach((k, v) -> lines.add(k + "=" + v));
        Files.write(dir.resolve(EXPECTED), lines, StandardCharsets.UTF_8);
        System.out.println("fixture written to " + dir);
    }
}
