package io.shardkv.cli;

import io.shardkv.raft.server.BackupChunk;
import io.shardkv.raft.server.BackupChunkRequest;
import io.shardkv.raft.server.BackupReleaseRequest;
import io.shardkv.raft.server.BackupReport;
import io.shardkv.raft.server.BackupRequest;
import io.shardkv.raft.transport.RaftWireTypes;
import io.shardkv.rpc.HostPort;
import io.shardkv.rpc.PeerConnection;
import io.shardkv.rpc.Transport;
import io.shardkv.rpc.TransportConfig;
import io.shardkv.rpc.codec.Codec;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Takes one Raft group's part of a backup: asks the group's leader (found by following hints) for
 * an image at a configuration, waits while the group is not there yet, reads the image in chunks
 * into a file, checks its SHA-256 and tells the replica to delete its copy. A part whose reading
 * fails (the replica restarted, a connection dropped) is taken again, until the deadline.
 */
final class BackupTaker implements AutoCloseable {

    /** Well inside the frame limit; large enough that a round trip per chunk costs little. */
    private static final int CHUNK_BYTES = 4 << 20;
    private static final long RETRY_PAUSE_MILLIS = 250;

    private final Transport transport;
    private final Map<String, PeerConnection> connections = new HashMap<>();
    private final Duration askTimeout;
    private final long deadlineNanos;
    private final PrintWriter out;

    BackupTaker(String clusterId, Duration askTimeout, long deadlineNanos, PrintWriter out) {
        this.transport = Transport.create(TransportConfig.builder(clusterId).build(),
                Codec.builder().install(new RaftWireTypes()).build());
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
            boolean retryLater = false;
            String waitingFor = null;
            for (String a : candidates(leader, addresses)) {
                Object answer = ask(a, new BackupRequest(point), remaining());
                if (!(answer instanceof BackupReport r)) {
                    continue;
                }
                lastReason = r.message();
                switch (r.status()) {
                    case DONE -> {
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
                            retryLater = true;
                        }
                    }
                    case NOT_LEADER -> {
                        if (r.leaderAddress() != null) {
                            leader = r.leaderAddress();
                            addresses.add(leader);
                        }
                    }
                    default -> {
                        leader = a;
                        waitingFor = lastReason;
                        retryLater = true;
                    }
                }
                if (retryLater || r.leaderAddress() != null) {
                    break;
                }
            }
            if (waitingFor != null && !waitingFor.equals(printed)) {
                out.println(what + ": waiting: " + waitingFor);
                out.flush();
                printed = waitingFor;
            }
            pause();
        }
        throw new IllegalStateException(what + ": no backup image before the deadline: " + lastReason);
    }

    private BackupManifest.Part download(String address, BackupReport r, Path file) throws IOException {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        MessageDigest sha = BackupManifest.digest();
        try (OutputStream w = Files.newOutputStream(partial)) {
            long offset = 0;
            while (offset < r.bytes()) {
                Object answer = ask(address, new BackupChunkRequest(r.id(), offset, CHUNK_BYTES), askTimeout);
                if (!(answer instanceof BackupChunk chunk)) {
                    throw new IllegalStateException("reading the image from " + address + " failed at byte " + offset);
                }
                if (chunk.error() != null || chunk.data().length == 0) {
                    throw new IllegalStateException(address + ": " + (chunk.error() != null ? chunk.error()
                            : "the image ended at byte " + offset + " of " + r.bytes()));
                }
                w.write(chunk.data());
                sha.update(chunk.data());
                offset += chunk.data().length;
            }
        }
        String actual = HexFormat.of().formatHex(sha.digest());
        if (!actual.equals(r.sha256())) {
            throw new IllegalStateException("the image read from " + address + " has SHA-256 " + actual
                    + ", the replica reported " + r.sha256());
        }
        ask(address, new BackupReleaseRequest(r.id()), askTimeout);
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
        return new BackupManifest.Part(file.getFileName().toString(), r.index(), r.bytes(), r.sha256());
    }

    private static List<String> candidates(String leader, Set<String> addresses) {
        List<String> out = new ArrayList<>();
        if (leader != null) {
            out.add(leader);
        }
        addresses.stream().filter(a -> !a.equals(leader)).forEach(out::add);
        return out;
    }

    private Duration remaining() {
        return Duration.ofNanos(Math.max(deadlineNanos - System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(1)));
    }

    /** The answer, or null if there was none in time (unreachable, a bad address, a dropped connection). */
    private Object ask(String address, Object request, Duration timeout) {
        PeerConnection c;
        try {
            c = connections.computeIfAbsent(address, a -> transport.connect(HostPort.parse(a)));
        } catch (IllegalArgumentException e) {
            return null;
        }
        try {
            return c.request(request, timeout).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    private static void pause() {
        try {
            Thread.sleep(RETRY_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    @Override
    public void close() {
        connections.values().forEach(PeerConnection::close);
        transport.close();
    }
}
