package io.shardkv.bench.micro;

import io.shardkv.raft.core.Entry;
import io.shardkv.raft.core.HardState;
import io.shardkv.raft.core.Ready;
import io.shardkv.raft.storage.FsyncPolicy;
import io.shardkv.raft.storage.RaftStorage;
import io.shardkv.raft.storage.StorageOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The log append path a Ready takes: {@code batch} entries of 300 bytes written to the write-ahead
 * log and made durable, with fsync ({@code ALWAYS}: what a write waits for) or without
 * ({@code NEVER}: the CPU cost of framing, checksumming and writing alone). Time per Ready; divide
 * by the batch for the cost per entry.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LogAppendBench {

    @Param({"1", "64"})
    public int batch;

    @Param({"NEVER", "ALWAYS"})
    public FsyncPolicy fsync;

    private Path dir;
    private RaftStorage storage;
    private byte[] data;
    private long nextIndex;

    @Setup(Level.Iteration)
    public void open() throws IOException {
        dir = Files.createTempDirectory(Path.of(System.getProperty("user.home")), "shardkv-logbench");
        storage = RaftStorage.open(dir, StorageOptions.DEFAULTS.withFsync(fsync));
        data = new byte[300];
        new Random(1).nextBytes(data);
        nextIndex = 1;
    }

    @TearDown(Level.Iteration)
    public void close() throws IOException {
        storage.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Benchmark
    public long persistReady() throws IOException {
        List<Entry> entries = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
            entries.add(Entry.command(nextIndex++, 1, data));
        }
        storage.persist(new Ready(null, new HardState(1, 1, nextIndex - 1), entries, null, List.of(), List.of(),
                List.of(), List.of(), List.of(), List.of()), null);
        return nextIndex;
    }
}
