package io.shardkv.raft.core.confchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.raft.core.quorum.JointConfig;
import io.shardkv.raft.core.quorum.MajorityConfig;
import io.shardkv.raft.core.tracker.MembershipConfig;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class MembershipCodecTest {

    @Test
    void roundTripsEveryShape() {
        for (MembershipConfig c : List.of(
                MembershipConfig.EMPTY,
                MembershipConfig.ofVoters(List.of(1)),
                new MembershipConfig(new JointConfig(MajorityConfig.of(1, 2, 4), MajorityConfig.of(1, 2, 3)),
                        new TreeSet<>(List.of(7, 9))),
                new MembershipConfig(JointConfig.of(MajorityConfig.of(1, 2)), new TreeSet<>(List.of(3)),
                        new TreeMap<>(Map.of(2, "host-b:7000", 3, "10.0.0.3:7000"))))) {
            assertEquals(c, MembershipCodec.decode(MembershipCodec.encode(c)));
        }
    }

    @Test
    void versionOneWithoutAddressesIsRead() {
        byte[] v1 = {1, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0};
        assertEquals(MembershipConfig.ofVoters(List.of(1, 2)), MembershipCodec.decode(v1));
    }

    @Test
    void everyTruncationAndTrailingByteIsReported() {
        byte[] good = MembershipCodec.encode(new MembershipConfig(
                JointConfig.of(MajorityConfig.of(1, 2, 3)), new TreeSet<>(List.of(4)), new TreeMap<>(Map.of(4, "h:1"))));
        for (int len = 0; len < good.length; len++) {
            byte[] cut = Arrays.copyOf(good, len);
            assertThrows(IllegalArgumentException.class, () -> MembershipCodec.decode(cut), "length " + len);
        }
        byte[] longer = Arrays.copyOf(good, good.length + 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MembershipCodec.decode(longer));
        assertTrue(e.getMessage().contains("trail"), e.getMessage());
    }

    @Test
    void badContentIsRefused() {
        byte[] good = MembershipCodec.encode(MembershipConfig.ofVoters(List.of(1, 2)));
        byte[] version = good.clone();
        version[0] = 9;
        assertThrows(IllegalArgumentException.class, () -> MembershipCodec.decode(version));
        byte[] duplicate = good.clone();
        duplicate[10] = 1; // the second voter becomes 1 again
        assertThrows(IllegalArgumentException.class, () -> MembershipCodec.decode(duplicate));
        byte[] huge = good.clone();
        huge[1] = (byte) 0xFF;
        huge[2] = (byte) 0xFF;
        assertThrows(IllegalArgumentException.class, () -> MembershipCodec.decode(huge));
    }
}
