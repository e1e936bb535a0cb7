package io.shardkv.raft.sim;

import io.shardkv.raft.core.RaftCore;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The churn tests' clients, as simulator events: each repeatedly proposes a random value at every
 * connected node until one accepts, then polls (10, 20, 50, 100, 200 ms) until it sees the value
 * applied at that index, and remembers it.
 */
final class ChurnClients {

    private record Seen(long index, byte[] value) {
    }

    private final LabHarness h;
    private final int count;
    private final Random random;
    private final List<Seen> seen = new ArrayList<>();
    private boolean running;

    ChurnClients(LabHarness h, int count) {
        this.h = h;
        this.count = count;
        this.random = new Random(h.cluster().seed() ^ 0xC0FFEE);
    }

    void start() {
        running = true;
        for (int c = 0; c < count; c++) {
            h.cluster().scheduler().after(random.nextInt(10_000), this::attempt);
        }
    }

    void stop() {
        running = false;
    }

    int seenCommitted() {
        return seen.size();
    }

    private void attempt() {
        if (!running) {
            return;
        }
        byte[] value = LabHarness.cmd(random.nextLong());
        tryNode(1, value);
    }

    private void tryNode(int node, byte[] value) {
        if (!running) {
            return;
        }
        if (node > h.n()) {
            h.cluster().scheduler().after(79_000 + random.nextInt(20_000), this::attempt);
            return;
        }
        if (!h.connected(node)) {
            tryNode(node + 1, value);
            return;
        }
        h.cluster().proposeAsync(node, value, index -> {
            if (index == RaftCore.REJECTED) {
                tryNode(node + 1, value);
            } else {
                poll(index, value, 0);
            }
        });
    }

    private static final long[] POLL_DELAYS = {10_000, 20_000, 50_000, 100_000, 200_000};

    private void poll(long index, byte[] value, int step) {
        if (!running) {
            return;
        }
        if (step == POLL_DELAYS.length) {
            attempt();
            return;
        }
        h.cluster().scheduler().after(POLL_DELAYS[step], () -> {
            if (h.nCommitted(index) > 0) {
                if (h.cluster().committedDataIs(index, value)) {
                    seen.add(new Seen(index, value));
                }
                attempt();
            } else {
                poll(index, value, step + 1);
            }
        });
    }

    void checkAllInFinalLog(long lastIndex) {
        for (Seen s : seen) {
            if (s.index() > lastIndex || !h.cluster().committedDataIs(s.index(), s.value())
                    || h.nCommitted(s.index()) < h.n()) {
                throw h.cluster().fail("value a client saw committed at " + s.index() + " is not in the final log");
            }
        }
    }
}
