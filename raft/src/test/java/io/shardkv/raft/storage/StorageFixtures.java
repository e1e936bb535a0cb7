package io.shardkv.raft.storage;

import io.shardkv.raft.core.Entry;
import io.shardkv.raft.core.HardState;
import io.shardkv.raft.core.Ready;
import io.shardkv.raft.core.Snapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** Shared helpers for the storage tests: entries, Readies and directory copies. */
final class StorageFixtures {

    private StorageFixtures() {
    }

    static Entry entry(long index, long term, Random random) {
        byte[] data = new byte[random.nextInt(200)];
        random.nextBytes(data);
        return Entry.command(index, term, data);
    }

    static List<Entry> entries(long from, int count, long term, Random random) {
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(entry(from + i, term, random));
        }
        return out;
    }

    static Ready append(List<Entry> entries) {
        return new Ready(null, null, entries, null, List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
    }

    static Ready hardState(HardState hs, List<Entry> entries) {
        return new Ready(null, hs, entries, null, List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
    }

    /** A Ready installing {@code snap}: persist it with {@code snap} as the received bytes. */
    static Ready install(Snapshot snap) {
        return new Ready(null, null, List.of(), snap.meta(), List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of());
    }

    /** Takes a local snapshot the way the node does: written (as if off the node thread), then installed. */
    static Snapshot save(RaftStorage storage, Snapshot snap) throws IOException {
        return storage.installSnapshot(snap.meta(), storage.writeSnapshot(snap.meta(), out -> {
            try (var in = snap.data().open()) {
                in.transferTo(out);
            }
        }));
    }

    static void assertSameEntries(List<Entry> expected, List<Entry> actual, String context) {
        if (expected.size() != actual.size()) {
            throw new AssertionError(context + ": expected " + expected.size() + " entries, got " + actual.size());
        }
        for (int i = 0; i < expected.size(); i++) {
            Entry e = expected.get(i);
            Entry a = actual.get(i);
            if (e.index() != a.index() || e.term() != a.term() || e.kind() != a.kind()
                    || !Arrays.equals(e.data(), a.data())) {
                throw new AssertionError(context + ": entry " + i + " differs: expected " + e + ", got " + a);
            }
        }
    }

    static void copyDirectory(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> s = Files.list(from)) {
            for (Path p : s.toList()) {
                Files.copy(p, to.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    static void deleteDirectory(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    static List<Path> segments(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Segment::isSegment).sorted().toList();
        }
    }
}
