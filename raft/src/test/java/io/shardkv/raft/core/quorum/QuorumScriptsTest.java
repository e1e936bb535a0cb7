package io.shardkv.raft.core.quorum;

import io.shardkv.raft.testing.Directive;
import io.shardkv.raft.testing.ScriptRunner;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The quorum arithmetic as data tables ({@code scripts/quorum/*.txt}), after etcd's
 * {@code quorum/testdata}: {@code committed} prints the commit index of a config for given
 * acknowledged indexes, {@code vote} the outcome of given votes. {@code cfg} is the (incoming)
 * majority, {@code cfgj} the outgoing one of a joint config; {@code idx} and {@code votes} list one
 * value per voter of the union, in id order, {@code _} for none.
 */
class QuorumScriptsTest {

    @TestFactory
    Stream<DynamicTest> quorumScripts() {
        return ScriptRunner.each("scripts/quorum", () -> QuorumScriptsTest::run);
    }

    private static String run(Directive d) {
        d.allowing("cfg", "cfgj", "idx", "votes");
        MajorityConfig incoming = MajorityConfig.of(d.intValues("cfg", List.of()));
        MajorityConfig outgoing = MajorityConfig.of(d.intValues("cfgj", List.of()));
        QuorumConfig config = d.values("cfgj").isPresent() ? new JointConfig(incoming, outgoing) : incoming;
        List<Integer> ids = new ArrayList<>(new TreeSet<>(config.ids()));
        return switch (d.command()) {
            case "committed" -> {
                Map<Integer, Long> acked = perVoter(d, "idx", ids, Long::parseLong);
                long index = config.committedIndex(id -> acked.getOrDefault(id, 0L));
                yield index == Long.MAX_VALUE ? "∞" : Long.toString(index);
            }
            case "vote" -> {
                Map<Integer, Boolean> votes = perVoter(d, "votes", ids, v -> switch (v) {
                    case "y" -> true;
                    case "n" -> false;
                    default -> throw d.fail("a vote is y, n or _, got " + v);
                });
                yield config.voteResult(votes::get).name().toLowerCase(Locale.ROOT);
            }
            default -> throw d.fail("unknown command; this script knows committed and vote");
        };
    }

    private static <T> Map<Integer, T> perVoter(Directive d, String key, List<Integer> ids,
                                                java.util.function.Function<String, T> parse) {
        List<String> values = d.values(key).orElse(List.of());
        if (values.size() != ids.size()) {
            throw d.fail(key + " needs one value per voter " + ids + ", got " + values);
        }
        Map<Integer, T> out = new HashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            if (!values.get(i).equals("_")) {
                out.put(ids.get(i), parse.apply(values.get(i)));
            }
        }
        return out;
    }

}
