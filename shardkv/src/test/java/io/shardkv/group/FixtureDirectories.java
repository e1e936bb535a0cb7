package io.shardkv.group;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The kept fixtures of a format: every directory under a test resource, in name order, at least one. */
public final class FixtureDirectories {

    private FixtureDirectories() {
    }

    /** The directories under test resource {@code resource} (say {@code /formats}) of {@code anchor}'s class path. */
    public static Stream<Path> under(Class<?> anchor, String resource) throws IOException, URISyntaxException {
        Path root = Path.of(anchor.getResource(resource).toURI());
        List<Path> dirs;
        try (Stream<Path> s = Files.list(root)) {
            dirs = s.filter(Files::isDirectory).sorted().toList();
        }
        assertFalse(dirs.isEmpty(), "no fixtures under " + root);
        return dirs.stream();
    }
}
