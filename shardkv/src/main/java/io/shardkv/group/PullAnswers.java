package io.shardkv.group;

import io.shardkv.kv.Key;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Answers another group's pull from a shard this group froze when it handed it off. A frozen shard
 * never changes, so any replica that has applied the handoff gives the same answer, no log entry
 * needed.
 */
final class PullAnswers {

    private PullAnswers() {
    }

    /**
     * The answer to a pull of {@code shard} frozen at {@code handoff}: the entries after {@code from}
     * (null: from the first), up to about {@code maxBytes} — at least one entry, so a pull always
     * advances.
     */
    static PullAnswer answer(GroupState state, int shard, long handoff, Key from, int maxBytes) {
        if (shard < 0 || shard >= state.numShards) {
            return new PullAnswer.Gone();
        }
        Shard s = state.shards[shard];
        if (s == null || s.state != ShardState.OUTGOING || s.handoff != handoff) {
            return state.config.num() < handoff ? new PullAnswer.NotReady(state.config.num()) : new PullAnswer.Gone();
        }
        List<Map.Entry<Key, byte[]>> entries = new ArrayList<>();
        long[] bytes = {0};
        boolean[] more = {false};
        s.data.scan(from, (key, value) -> {
            if (!entries.isEmpty() && bytes[0] + key.bytes().length + value.length > maxBytes) {
                more[0] = true;
                return false;
            }
            entries.add(Map.entry(key, value));
            bytes[0] += key.bytes().length + value.length;
            return true;
        });
        if (more[0]) {
            return new PullAnswer.Chunk(entries, false, new byte[0]);
        }
        byte[] sessions = s.sessions.toBytes();
        if (!entries.isEmpty() && bytes[0] + sessions.length > maxBytes) {
            // The session table does not fit beside these entries: it comes alone, in one more chunk.
            return new PullAnswer.Chunk(entries, false, new byte[0]);
        }
        return new PullAnswer.Chunk(entries, true, sessions);
    }
}
