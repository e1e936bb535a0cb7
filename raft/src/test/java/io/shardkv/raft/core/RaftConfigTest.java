package io.shardkv.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** RaftConfig validates eagerly and says which value is wrong and what was expected. */
class RaftConfigTest {

    static Stream<Arguments> invalidConfigs() {
        return Stream.of(
                invalid(0, List.of(0, 1), b -> b, "node id must not be 0"),
                invalid(1, List.of(1, 2, 2), b -> b, "voters contain duplicates: [1, 2, 2]"),
                invalid(1, List.of(0, 1, 2), b -> b, "voter id must not be 0: [0, 1, 2]"),
                invalid(4, List.of(1, 2, 3), b -> b, "voters [1, 2, 3] must include this node's id 4"),
                invalid(1, List.of(1), b -> b.heartbeatTicks(0), "heartbeatTicks must be > 0, was 0"),
                invalid(1, List.of(1), b -> b.electionTicks(2).heartbeatTicks(2),
                        "electionTicks (2) must be greater than heartbeatTicks (2)"),
                invalid(1, List.of(1), b -> b.electionTicks(1).heartbeatTicks(3),
                        "electionTicks (1) must be greater than heartbeatTicks (3)"),
                invalid(1, List.of(1), b -> b.maxMessageBytes(0), "maxMessageBytes must be > 0, was 0"),
                invalid(1, List.of(1), b -> b.maxInflightMessages(-1), "maxInflightMessages must be > 0, was -1"),
                invalid(1, List.of(1), b -> b.snapshotChunkBytes(0), "snapshotChunkBytes must be > 0, was 0"),
                invalid(1, List.of(1), b -> b.maxInflightSnapshotChunks(0),
                        "maxInflightSnapshotChunks must be > 0, was 0"),
                invalid(1, List.of(1), b -> b.maxSnapshotBytes(0), "maxSnapshotBytes must be > 0, was 0"),
                invalid(1, List.of(1), b -> b.maxApplyBytesPerReady(0), "maxApplyBytesPerReady must be > 0, was 0"));
    }

    private static Arguments invalid(int id, List<Integer> voters, UnaryOperator<RaftConfig.Builder> tweak,
                                     String message) {
        return Arguments.of(id, voters, tweak, message);
    }

    @ParameterizedTest(name = "{3}")
    @MethodSource("invalidConfigs")
    void invalidConfigIsRejectedWithPreciseMessage(int id, List<Integer> voters,
                                                  UnaryOperator<RaftConfig.Builder> tweak, String message) {
        RaftConfig.Builder builder = tweak.apply(RaftConfig.builder(id, voters));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);

        assertTrue(e.getMessage().contains(message), () -> "message was: " + e.getMessage());
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        RaftConfig config = RaftConfig.builder(1, List.of(1, 2, 3)).build();

        assertEquals(RaftConfig.DEFAULT_ELECTION_TICKS, config.electionTicks());
        assertEquals(RaftConfig.DEFAULT_HEARTBEAT_TICKS, config.heartbeatTicks());
        assertTrue(config.preVote());
        assertTrue(config.checkQuorum());
        assertEquals(RaftConfig.DEFAULT_MAX_MESSAGE_BYTES, config.maxMessageBytes());
        assertEquals(RaftConfig.DEFAULT_MAX_INFLIGHT_MESSAGES, config.maxInflightMessages());
        assertEquals(RaftConfig.DEFAULT_SNAPSHOT_CHUNK_BYTES, config.snapshotChunkBytes());
        assertEquals(RaftConfig.DEFAULT_MAX_INFLIGHT_SNAPSHOT_CHUNKS, config.maxInflightSnapshotChunks());
        assertEquals(RaftConfig.DEFAULT_MAX_SNAPSHOT_BYTES, config.maxSnapshotBytes());
        assertEquals(RaftConfig.DEFAULT_MAX_APPLY_BYTES_PER_READY, config.maxApplyBytesPerReady());
    }

    @Test
    void votersAreSortedAndWithIdKeepsEverythingElse() {
        RaftConfig config = RaftConfig.builder(2, List.of(3, 1, 2)).electionTicks(20).preVote(false).build();

        assertEquals(List.of(1, 2, 3), config.voters());
        RaftConfig other = config.withId(3);
        assertEquals(3, other.id());
        assertEquals(config.voters(), other.voters());
        assertEquals(20, other.electionTicks());
        assertEquals(config, other.withId(2));
    }

    @Test
    void withIdValidatesTheNewId() {
        RaftConfig config = RaftConfig.builder(1, List.of(1, 2, 3)).build();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> config.withId(9));
        assertTrue(e.getMessage().contains("must include this node's id 9"), e.getMessage());
    }
}
