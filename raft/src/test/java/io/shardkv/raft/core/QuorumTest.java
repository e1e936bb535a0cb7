package io.shardkv.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Majority arithmetic (Raft §5.2, §5.3): a majority of the full voter set, whatever its parity. */
class QuorumTest {

    @ParameterizedTest(name = "{0} voters need {1}")
    @CsvSource({"1, 1", "2, 2", "3, 2", "4, 3", "5, 3", "6, 4", "7, 4"})
    void majorityIsMoreThanHalf(int voters, int majority) {
        assertEquals(majority, Quorum.majority(voters));
    }

    /** The committed value is the highest one reached by a majority, independent of order. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ';', value = {
            "5; 5",
            "5 0; 0",
            "5 5; 5",
            "7 5 0; 5",
            "0 7 5; 5",
            "9 9 2 0; 2",
            "9 9 9 0; 9",
            "1 2 3 4 5; 3",
            "5 4 0 0 9; 4"})
    void committedValueIsReachedByAMajority(String values, long expected) {
        long[] parsed = Arrays.stream(values.split(" ")).mapToLong(Long::parseLong).toArray();
        assertEquals(expected, Quorum.committedValue(parsed));
    }
}
