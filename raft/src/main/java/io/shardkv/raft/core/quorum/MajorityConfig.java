package io.shardkv.raft.core.quorum;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/** A set of voters of which any majority is a quorum (Raft §5.2). Immutable. */
public final class MajorityConfig implements QuorumConfig {

    private static final MajorityConfig EMPTY = new MajorityConfig(new TreeSet<>());

    private final SortedSet<Integer> ids;
    private final int[] idArray;

    private MajorityConfig(SortedSet<Integer> ids) {
        this.ids = Collections.unmodifiableSortedSet(ids);
        this.idArray = ids.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The majority config of {@code voters}; ids must be positive and distinct. */
    public static MajorityConfig of(Collection<Integer> voters) {
        TreeSet<Integer> ids = new TreeSet<>();
        for (Integer id : voters) {
            if (id == null || id < 1) {
                throw new IllegalArgumentException("voter ids must be >= 1, got " + id + " in " + voters);
            }
            if (!ids.add(id)) {
                throw new IllegalArgumentException("voter " + id + " appears twice in " + voters);
            }
        }
        return ids.isEmpty() ? EMPTY : new MajorityConfig(ids);
    }

    public static MajorityConfig of(Integer... voters) {
        return of(Arrays.asList(voters));
    }

    public static MajorityConfig empty() {
        return EMPTY;
    }

    /** Votes needed for a majority of {@code voters}: more than half. */
    public static int majority(int voters) {
        return voters / 2 + 1;
    }

    @Override
    public SortedSet<Integer> ids() {
        return ids;
    }

    public int size() {
        return idArray.length;
    }

    public boolean isEmpty() {
        return idArray.length == 0;
    }

    public boolean contains(int id) {
        return ids.contains(id);
    }

    @Override
    public long committedIndex(AckedIndexer acked) {
        if (idArray.length == 0) {
            return Long.MAX_VALUE;
        }
        long[] values = new long[idArray.length];
        for (int i = 0; i < idArray.length; i++) {
            values[i] = acked.ackedIndex(idArray[i]);
        }
        Arrays.sort(values);
        // The majority-th largest value: every voter from there up has reached it.
        return values[values.length - majority(values.length)];
    }

    @Override
    public VoteResult voteResult(VoteSource votes) {
        if (idArray.length == 0) {
            return VoteResult.WON;
        }
        int yes = 0;
        int missing = 0;
        for (int id : idArray) {
            Boolean v = votes.vote(id);
            if (v == null) {
                missing++;
            } else if (v) {
                yes++;
            }
        }
        int quorum = majority(idArray.length);
        if (yes >= quorum) {
            return VoteResult.WON;
        }
        return yes + missing >= quorum ? VoteResult.PENDING : VoteResult.LOST;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MajorityConfig other && ids.equals(other.ids);
    }

    @Override
    public int hashCode() {
        return ids.hashCode();
    }

    /** {@code (1 2 3)}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < idArray.length; i++) {
            sb.append(i == 0 ? "" : " ").append(idArray[i]);
        }
        return sb.append(')').toString();
    }
}
