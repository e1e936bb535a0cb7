package io.shardkv.group;

import io.shardkv.kv.Key;
import java.util.List;
import java.util.Map;

/** A shard group's answer to another group's pull of a frozen shard ({@link PullAnswers}). */
sealed interface PullAnswer {

    /** The next chunk: entries after the asked-for key, in key order; on the last chunk, the session table. */
    record Chunk(List<Map.Entry<Key, byte[]>> entries, boolean last, byte[] sessions) implements PullAnswer {
    }

    /** This group has not yet frozen the shard at that configuration; ask again later. */
    record NotReady(long currentConfig) implements PullAnswer {
    }

    /** This group holds no such frozen shard (already deleted: the asker installed it before). */
    record Gone() implements PullAnswer {
    }
}
