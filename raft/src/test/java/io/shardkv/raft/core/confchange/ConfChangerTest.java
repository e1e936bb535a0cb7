package io.shardkv.raft.core.confchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardkv.raft.core.quorum.JointConfig;
import io.shardkv.raft.core.quorum.MajorityConfig;
import io.shardkv.raft.core.tracker.MembershipConfig;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ConfChangerTest {

    private static final MembershipConfig THREE = MembershipConfig.ofVoters(List.of(1, 2, 3));

    @Test
    void oneVoterChangesInOneStep() {
        MembershipConfig grown = ConfChanger.apply(THREE, ConfChange.addVoter(4));
        assertEquals(MembershipConfig.ofVoters(List.of(1, 2, 3, 4)), grown);
        assertEquals(MembershipConfig.ofVoters(List.of(1, 2, 4)), ConfChanger.apply(grown, ConfChange.remove(3)));
    }

    @Test
    void learnersComeAndGoWithoutTouchingTheVoters() {
        MembershipConfig withLearner = ConfChanger.apply(THREE, ConfChange.of(
                new ConfChange.Op(ConfChange.Type.ADD_LEARNER, 4), new ConfChange.Op(ConfChange.Type.ADD_LEARNER, 5)));
        assertFalse(withLearner.isJoint());
        assertEquals(new TreeSet<>(List.of(4, 5)), withLearner.learners());
        MembershipConfig promoted = ConfChanger.apply(withLearner, ConfChange.addVoter(4));
        assertTrue(promoted.isVoter(4));
        assertFalse(promoted.isLearner(4));
        assertFalse(promoted.isJoint());
    }

    @Test
    void twoVotersGoThroughAJointConfiguration() {
        MembershipConfig joint = ConfChanger.apply(THREE, ConfChange.replace(3, 4));
        assertEquals(new JointConfig(MajorityConfig.of(1, 2, 4), MajorityConfig.of(1, 2, 3)), joint.voters());
        assertTrue(joint.isVoter(3), "the outgoing voter still counts while joint");
        ConfChangeException e = assertThrows(ConfChangeException.class,
                () -> ConfChanger.apply(joint, ConfChange.addLearner(5)));
        assertEquals(ConfChangeException.Reason.IN_PROGRESS, e.reason());
        assertEquals(MembershipConfig.ofVoters(List.of(1, 2, 4)), ConfChanger.leaveJoint(joint));
    }

    @Test
    void growingByTwoIsJoint() {
        MembershipConfig joint = ConfChanger.apply(THREE, ConfChange.of(
                new ConfChange.Op(ConfChange.Type.ADD_VOTER, 4), new ConfChange.Op(ConfChange.Type.ADD_VOTER, 5)));
        assertTrue(joint.isJoint());
        assertEquals(MajorityConfig.of(1, 2, 3, 4, 5), joint.voters().incoming());
    }

    @Test
    void addressesComeWithAddsAndGoWithRemovals() {
        MembershipConfig learner = ConfChanger.apply(THREE,
                ConfChange.of(new ConfChange.Op(ConfChange.Type.ADD_LEARNER, 4, "d:7000")));
        assertEquals("d:7000", learner.addresses().get(4));
        MembershipConfig promoted = ConfChanger.apply(learner, ConfChange.addVoter(4));
        assertEquals("d:7000", promoted.addresses().get(4), "promotion keeps the learner's address");
        MembershipConfig joint = ConfChanger.apply(promoted, ConfChange.of(
                new ConfChange.Op(ConfChange.Type.REMOVE, 4), new ConfChange.Op(ConfChange.Type.ADD_VOTER, 5, "e:7000")));
        assertEquals("d:7000", joint.addresses().get(4), "an outgoing voter is still reached while joint");
        MembershipConfig left = ConfChanger.leaveJoint(joint);
        assertFalse(left.addresses().containsKey(4));
        assertEquals("e:7000", left.addresses().get(5));
    }

    @Test
    void invalidChangesSayWhy() {
        assertInvalid(THREE, ConfChange.addVoter(2), "2 is already a voter");
        assertInvalid(THREE, ConfChange.addLearner(3), "remove it before adding it as a learner");
        assertInvalid(THREE, ConfChange.remove(7), "7 is not a member");
        assertInvalid(MembershipConfig.ofVoters(List.of(1)), ConfChange.remove(1), "without voters");
        assertInvalid(MembershipConfig.EMPTY, ConfChange.addVoter(1), "does not know the group's configuration");
        assertThrows(IllegalArgumentException.class, () -> ConfChange.of(
                new ConfChange.Op(ConfChange.Type.ADD_VOTER, 4), new ConfChange.Op(ConfChange.Type.REMOVE, 4)));
    }

    private static void assertInvalid(MembershipConfig from, ConfChange change, String reason) {
        ConfChangeException e = assertThrows(ConfChangeException.class, () -> ConfChanger.apply(from, change));
        assertEquals(ConfChangeException.Reason.INVALID, e.reason());
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }
}
