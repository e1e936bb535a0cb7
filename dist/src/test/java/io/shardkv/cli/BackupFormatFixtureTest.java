package io.shardkv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.client.ShardKvClient;
import io.shardkv.group.FixtureDirectories;
import io.shardkv.group.MigrationDriver;
import io.shardkv.group.ShardServerCluster;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Today's {@code restore} reads every kept backup ({@link BackupFixture}) and the cluster serves what
 * it holds; a backup of a format this version no longer reads holds {@value #REFUSED}, the words
 * its refusal must say.
 */
class BackupFormatFixtureTest {

    static final String REFUSED = "refused.txt";

    static Stream<Path> fixtures() throws IOException, URISyntaxException {
        return FixtureDirectories.under(BackupFormatFixtureTest.class, "/backups");
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void todaysRestoreReadsTheFixture(Path fixture, @TempDir Path tmp) throws Exception {
        if (Files.exists(fixture.resolve(REFUSED))) {
            String reason = Files.readString(fixture.resolve(REFUSED), StandardCharsets.UTF_8).strip();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> BackupManifest.read(fixture));
            assertTrue(e.getMessage().contains(reason), e.getMessage());
            return;
        }
        List<String> expected = Files.readAllLines(fixture.resolve(BackupFixture.EXPECTED), StandardCharsets.UTF_8);
        try (ShardServerCluster restored = new ShardServerCluster(tmp, BackupFixture.SHARDS, 4096,
                MigrationDriver.Options.DEFAULTS, 2, cluster -> BackupRestoreTest.restoreInto(cluster, fixture));
             ShardKvClient kv = BackupRestoreTest.client(BackupRestoreTest.addresses(restored))) {
            for (String line : expected) {
                int eq = line.indexOf('=');
                assertEquals(line.substring(eq + 1), kv.get(line.substring(0, eq)), line.substring(0, eq));
            }
            kv.put("written-after", "yes");
            assertEquals("yes", kv.get("written-after"));
        }
    }
}
