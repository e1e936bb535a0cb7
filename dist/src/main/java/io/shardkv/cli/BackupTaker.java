package io.shardkv.cli;

import io.shardkv.raft.server.AdminReply;
import io.shardkv.raft.server.BackupChunk;
import io.shardkv.raft.server.BackupChunkRequest;
import io.shardkv.raft.server.BackupReleaseRequest;
import io.shardkv.raft.server.BackupReport;
import io.shardkv.raft.server.BackupRequest;
import io.shardkv.raft.transport.RaftWireTypes;
import io.shardkv.rpc.TransportConfig;
import io.shardkv.rpc.codec.Codec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Takes one Raft group's part of a backup: asks the group's leader (found by following hints) for
 * an image at a configuration, waits while the group is not there yet, reads the image in chunks
 * into a file (fsynced), checks its SHA-256 and tells the replica to delete its copy. A part whose
 * reading fails (the replica restarted, a connection dropped) is taken again, until the deadline;
 * a group already past the configuration fails the backup at once.
 */
final class BackupTaker implements AutoCloseable {

    private static final long RETRY_PAUSE_MILLIS = 250;

    private final ReplicaAsker asker;
    private final Duration askTimeout;
    private final long deadlineNanos;
    private final PrintWriter out;

    BackupTaker(TransportConfig settings, Duration askTimeout, long deadlineNanos, PrintWriter out) {
        this.asker = new ReplicaAsker(settings, Codec.builder().install(new RaftWireTypes()).build());
        this.askTimeout = askTimeout;
        this.deadlineNanos = deadlineNanos;
        this.out = out;
    }

    /** {@code what}'s image at configuration {@code point}, from one of {@code replicas}, into {@code file}. */
    BackupManifest.Part take(String what, List<String> replicas, long point, Path file) throws IOException {
        Set<String> addresses = new LinkedHashSet<>(replicas);
        String leader = null;
        String lastReason = "no replica of " + addresses + " answered";
        String printed = null;
        while (System.nanoTime() < deadlineNanos) {
            String waitingFor = null;
            for (String a : ReplicaAsker.candidates(leader, addresses)) {
                Optional<Object> answer = asker.ask(a, new BackupRequest(point), remaining());
                if (answer.isEmpty() || !(answer.get() instanceof BackupReport r)) {
                    continue;
                }
                lastReason = r.message();
                if (r.status() == AdminReply.Status.DONE) {
                    long start = System.nanoTime();
                    try {
                        BackupManifest.Part part = download(a, r, file);
                        out.printf("%s: %s at index %d read from %s in %s%n", what, MemberCommand.bytes(r.bytes()),
                                r.index(), a, MigrationWait.seconds(System.nanoTime() - start));
                        out.flush();
                        return part;
                    } catch (IllegalStateException e) {
                        lastReason = e.getMessage();
                        waitingFor = lastReason;
                        break;
                    }
                }
                if (r.status() == AdminReply.Status.INVALID) {
                    throw new IllegalStateException(what + ": " + r.message() + "; run the backup again");
                }
                if (r.status() == AdminReply.Status.NOT_LEADER) {
                    if (r.leaderAddress() == null) {
                        continue;
                    }
                    leader = r.leaderAddress();
                    addresses.add(leader);
                } else {
                    leader = a;
                    waitingFor = lastReason;
                }
                break;
            }
            if (waitingFor != null && !waitingFor.equals(printed)) {
                out.println(what + ": waiting: " + waitingFor);
                out.flush();
                printed = waitingFor;
            }
            ReplicaAsker.pause(RETRY_PAUSE_MILLIS);
        }
        throw new IllegalStateException(what + ": no backup image before the deadline: " + lastReason);
    }

    /** Reads image {@code r} from {@code address} into {@code file}; the replica's copy is released whatever happens. */
    private BackupManifest.Part download(String address, BackupReport r, Path file) throws IOException {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try {
            MessageDigest sha = BackupManifest.digest();
            try (FileChannel w = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                long offset = 0;
                while (offset < r.bytes()) {
                    Optional<Object> answer = asker.ask(address, new BackupChunkRequest(r.id(), offset,
                            BackupChunkRequest.MAX_BYTES), askTimeout);
                    if (answer.isEmpty() || !(answer.get() instanceof BackupChunk chunk)) {
                        throw new IllegalStateException("reading the image from " + address + " failed at byte " + offset);
                    }
                    if (chunk.error() != null || chunk.data().length == 0) {
                        throw new IllegalStateException(address + ": " + (chunk.error() != null ? chunk.error()
                                : "the image ended at byte " + offset + " of " + r.bytes()));
                    }
                    ByteBuffer buf = ByteBuffer.wrap(chunk.data());
                    while (buf.hasRemaining()) {
                        w.write(buf);
                    }
                    sha.update(chunk.data());
                    offset += chunk.data().length;
                }
                w.force(true);
            }
            String actual = HexFormat.of().formatHex(sha.digest());
            if (!actual.equals(r.sha256())) {
                throw new IllegalStateException("the image read from " + address + " has SHA-256 " + actual
                        + ", the replica reported " + r.sha256());
            }
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new BackupManifest.Part(file.getFileName().toString(), r.index(), r.bytes(), r.sha256());
        } finally {
            Files.deleteIfExists(partial);
            asker.ask(address, new BackupReleaseRequest(r.id()), askTimeout);
        }
    }

    private Duration remaining() {
        return Duration.ofNanos(Math.max(deadlineNanos - System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(1)));
    }

    @Override
    public void close() {
        asker.close();
    }
}
