package io.shardkv.raft.core;

import io.shardkv.raft.core.Message.AppendEntries;
import io.shardkv.raft.core.Message.AppendResponse;
import io.shardkv.raft.core.Message.Heartbeat;
import io.shardkv.raft.core.Message.HeartbeatResponse;
import io.shardkv.raft.core.Message.InstallSnapshot;
import io.shardkv.raft.core.Message.SnapshotAck;
import io.shardkv.raft.core.Message.TimeoutNow;
import io.shardkv.raft.core.Message.VoteRequest;
import io.shardkv.raft.core.Message.VoteResponse;
import io.shardkv.raft.core.confchange.MembershipCodec;
import java.util.stream.Collectors;

/**
 * Messages as one line of text for scenario scripts, after etcd's {@code DescribeMessage}:
 * {@code 1->2 App term=1 prev=0/0 commit=0 entries=[1/1 noop, 2/1 "x"]}. Entries are
 * {@code index/term}, commands with their data as text (or its length, if it is not printable).
 */
final class MessageText {

    private MessageText() {
    }

    static String describe(Message m) {
        return m.from() + "->" + m.to() + " " + body(m);
    }

    private static String body(Message m) {
        if (m instanceof VoteRequest v) {
            return (v.preVote() ? "PreVote" : "Vote") + " term=" + v.term() + " last=" + v.lastIndex() + "/" + v.lastTerm()
                    + (v.transfer() ? " transfer" : "");
        }
        if (m instanceof VoteResponse v) {
            return (v.preVote() ? "PreVoteResp" : "VoteResp") + " term=" + v.term() + (v.granted() ? " granted" : " rejected");
        }
        if (m instanceof AppendEntries a) {
            return "App term=" + a.term() + " prev=" + a.prevIndex() + "/" + a.prevTerm() + " commit=" + a.commit()
                    + (a.entries().isEmpty() ? "" : " entries=" + entries(a));
        }
        if (m instanceof AppendResponse a) {
            return "AppResp term=" + a.term() + (a.rejected()
                    ? " rejected index=" + a.index() + " hint=" + a.hintIndex() + "/" + a.hintTerm()
                    : " index=" + a.index());
        }
        if (m instanceof Heartbeat h) {
            return "Heartbeat term=" + h.term() + " commit=" + h.commit() + (h.readSeq() > 0 ? " read=" + h.readSeq() : "");
        }
        if (m instanceof HeartbeatResponse h) {
            return "HeartbeatResp term=" + h.term() + (h.readSeq() > 0 ? " read=" + h.readSeq() : "");
        }
        if (m instanceof InstallSnapshot s) {
            return "Snapshot term=" + s.term() + " snap=" + s.meta().index() + "/" + s.meta().term() + " bytes=["
                    + s.offset() + "," + (s.offset() + s.data().length) + ") of " + s.totalBytes() + (s.done() ? " done" : "");
        }
        if (m instanceof SnapshotAck s) {
            return "SnapshotAck term=" + s.term() + " snap=" + s.snapshotIndex() + " next=" + s.nextOffset()
                    + (s.outOfOrder() ? " out-of-order" : "");
        }
        return "TimeoutNow term=" + ((TimeoutNow) m).term();
    }

    private static String entries(AppendEntries a) {
        return a.entries().stream().map(MessageText::entry).collect(Collectors.joining(", ", "[", "]"));
    }

    static String entry(Entry e) {
        return e.index() + "/" + e.term() + switch (e.kind()) {
            case NOOP -> " noop";
            case CONFIG -> " config " + MembershipCodec.decode(e.data());
            case COMMAND -> " " + data(e.data());
        };
    }

    /** Printable ASCII as quoted text, anything else as its length. */
    private static String data(byte[] data) {
        for (byte b : data) {
            if (b < 0x20 || b > 0x7e) {
                return data.length + "B";
            }
        }
        return "\"" + Cores.string(data) + "\"";
    }
}
