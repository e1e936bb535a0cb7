package io.shardkv.raft.sim;

import io.shardkv.raft.core.Entry;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongUnaryOperator;

/**
 * Checks Raft's safety properties (Figure 3) incrementally, at the moment the state they speak of
 * changes, so that a violation is reported at the event that caused it:
 * <ul>
 *   <li>Election Safety: at most one leader per term;</li>
 *   <li>Log Matching: entries with the same index and term carry the same command and follow the
 *   same predecessor term — by induction, identical prefixes;</li>
 *   <li>Leader Completeness: a new leader holds every entry any node has applied;</li>
 *   <li>State Machine Safety: no two nodes apply different commands at one index, and a snapshot
 *   restores exactly the state the history up to its index produces.</li>
 * </ul>
 * Applied entries are the oracle of what is committed: applying implies committed.
 */
final class SafetyChecker {

    private record LogPosition(long index, long term) {
    }

    private record Identity(long dataHash, long prevTerm) {
    }

    private final Map<Long, Integer> leaderOfTerm = new HashMap<>();
    private final Map<LogPosition, Identity> identities = new HashMap<>();

    private long[] committedTerm = new long[1024];
    private long[] committedData = new long[1024];
    private long[] chainAfter = new long[1024];
    private long highestApplied;

    void leaderElected(int node, long term, LongUnaryOperator termAtLeader, long leaderFirstIndex) {
        Integer previous = leaderOfTerm.putIfAbsent(term, node);
        if (previous != null && previous != node) {
            throw new SimulationFailure("election safety: nodes " + previous + " and " + node
                    + " are both leader in term " + term);
        }
        long h = highestApplied;
        if (h > 0 && h >= leaderFirstIndex - 1 && termAtLeader.applyAsLong(h) != committedTerm[(int) h]) {
            throw new SimulationFailure("leader completeness: node " + node + " leads term " + term
                    + " without committed entry " + h + " (term " + committedTerm[(int) h] + "), it has term "
                    + termAtLeader.applyAsLong(h) + " there");
        }
    }

    void persisted(int node, List<Entry> entries, LongUnaryOperator termAtNode) {
        for (Entry e : entries) {
            Identity id = new Identity(dataHash(e.data()), termAtNode.applyAsLong(e.index() - 1));
            Identity existing = identities.putIfAbsent(new LogPosition(e.index(), e.term()), id);
            if (existing != null && !existing.equals(id)) {
                throw new SimulationFailure("log matching: node " + node + " holds entry " + e.index() + "@" + e.term()
                        + " with " + id + " but another log has " + existing);
            }
        }
    }

    void applied(int node, Entry e, long chainHash) {
        int i = index(e.index());
        long data = dataHash(e.data());
        if (committedTerm[i] == 0) {
            committedTerm[i] = e.term();
            committedData[i] = data;
            chainAfter[i] = chainHash;
            highestApplied = Math.max(highestApplied, e.index());
        } else if (committedTerm[i] != e.term() || committedData[i] != data || chainAfter[i] != chainHash) {
            throw new SimulationFailure("state machine safety: node " + node + " applied " + e + " at index "
                    + e.index() + " but term " + committedTerm[i] + " was applied there before");
        }
    }

    void restored(int node, long index, long chainHash) {
        int i = index(index);
        if (chainAfter[i] != 0 && chainAfter[i] != chainHash) {
            throw new SimulationFailure("state machine safety: node " + node + " restored a snapshot at " + index
                    + " whose state differs from the applied history");
        }
    }

    /** Term of the entry applied at {@code index}, or 0 if no node applied it. */
    long committedTerm(long index) {
        return index < committedTerm.length ? committedTerm[(int) index] : 0;
    }

    long committedDataHash(long index) {
        return index < committedData.length ? committedData[(int) index] : 0;
    }

    long highestApplied() {
        return highestApplied;
    }

    private int index(long index) {
        if (index >= committedTerm.length) {
            int size = (int) Math.max(index + 1, committedTerm.length * 2L);
            committedTerm = Arrays.copyOf(committedTerm, size);
            committedData = Arrays.copyOf(committedData, size);
            chainAfter = Arrays.copyOf(chainAfter, size);
        }
        return (int) index;
    }

    static long dataHash(byte[] data) {
        return SimStateMachine.mix(0x5bd1e995L, 0, data);
    }
}
