package io.shardkv.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.raft.storage.CorruptStorageException;
import io.shardkv.rpc.ctrler.ControllerClerk;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Today's servers start on every kept fixture of the on-disk formats ({@link FormatFixture}) —
 * snapshot files, WAL segments, hard state, controller and shard-group snapshot images, session
 * tables — and serve what was written into it, then take new writes. A fixture of a format this
 * version no longer reads holds {@value #REFUSED}: the words the refusal must say, so that such a
 * directory is refused with what to do, never served wrongly.
 */
class DataFormatFixtureTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    static final String REFUSED = "refused.txt";

    static Stream<Path> fixtures() throws IOException, URISyntaxException {
        return FixtureDirectories.under(DataFormatFixtureTest.class, "/formats");
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void todaysServersReadTheFixture(Path fixture, @TempDir Path tmp) throws Exception {
        copy(fixture, tmp);
        if (Files.exists(fixture.resolve(REFUSED))) {
            String reason = Files.readString(fixture.resolve(REFUSED), StandardCharsets.UTF_8).strip();
            CorruptStorageException e = assertThrows(CorruptStorageException.class,
                    () -> new FormatFixture(tmp, 64 << 20, 64 << 20).close());
            assertTrue(e.getMessage().contains(reason), e.getMessage());
            assertTrue(e.getMessage().contains("started afresh"), e.getMessage());
            return;
        }
        List<String> expected = Files.readAllLines(fixture.resolve(FormatFixture.EXPECTED), StandardCharsets.UTF_8);
        try (FormatFixture f = new FormatFixture(tmp, 64 << 20, 64 << 20);
             ControllerClerk admin = f.controllerClerk();
             NetShardClerk kv = f.clerk(2)) {
            // The fixture's controller records the group where it ran then; tell it where it runs now.
            admin.setServers(Map.of(FormatFixture.GID, f.groupServers())).get(30, TimeUnit.SECONDS);
            for (String line : expected) {
                int eq = line.indexOf('=');
                assertEquals(line.substring(eq + 1), kv.get(line.substring(0, eq), PATIENCE), line.substring(0, eq));
            }
            kv.put("written-after", "yes", PATIENCE);
            assertEquals("yes", kv.get("written-after", PATIENCE));
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
