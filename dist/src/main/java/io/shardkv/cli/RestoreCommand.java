package io.shardkv.cli;

import io.shardkv.ctrler.ControllerImages;
import io.shardkv.group.GroupDataFormat;
import io.shardkv.raft.core.SnapshotImage;
import io.shardkv.raft.core.SnapshotMeta;
import io.shardkv.raft.core.quorum.JointConfig;
import io.shardkv.raft.core.quorum.MajorityConfig;
import io.shardkv.raft.core.tracker.MembershipConfig;
import io.shardkv.raft.storage.RaftStorage;
import io.shardkv.raft.storage.StorageOptions;
import io.shardkv.rpc.HostPort;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code shardkv restore}: seeds a new cluster's data directories from a backup, one replica at a
 * time (each on its own machine, before its first start). Every replica of a Raft group gets the
 * same snapshot — the backed-up state, the new members as its configuration — and a hard state of
 * term 1; their first leader goes on from there. A controller's image also gets one configuration
 * appended that records the groups' new addresses and moves no shard; the groups take it after
 * they start, as after any configuration change.
 */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = {"Seed new data directories from a backup (admin backup), one replica at a time.",
            "Check a backup (verify), or write a controller's (ctrler) or a group replica's (server) data directory;",
            " then start the replica as usual, with the same --peers."},
        subcommands = {RestoreCommand.Verify.class, RestoreCommand.Ctrler.class, RestoreCommand.Server.class})
final class RestoreCommand {

    /** The term the seeded hard state and snapshot carry: a restored group starts its own history. */
    private static final long RESTORED_TERM = 1;

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Check a backup: its manifest and every image's length and SHA-256.")
    static final class Verify implements Callable<Integer> {
        @Option(names = "--from", required = true, paramLabel = "DIR", description = "The backup directory.")
        Path from;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            BackupManifest m = BackupManifest.read(from);
            BackupManifest.verify(from, m.controller());
            for (BackupManifest.Part p : m.groups().values()) {
                BackupManifest.verify(from, p);
            }
            PrintWriter out = spec.commandLine().getOut();
            out.printf("backup of cluster %s at configuration %d (%d shards, taken %s): controller and %d groups %s,"
                    + " every image whole%n", m.clusterId(), m.configuration(), m.shards(), m.created(), m.groups().size(),
                    m.groups().keySet());
            out.flush();
            return 0;
        }
    }

    /** What restoring any replica takes: the backup, the new data directory, the new group's members. */
    abstract static class ReplicaRestore implements Callable<Integer> {
        @Option(names = "--from", required = true, paramLabel = "DIR", description = "The backup directory.")
        Path from;

        @Option(names = "--data-dir", required = true,
                description = "The replica's new data directory: must not exist or be empty.")
        Path dataDir;

        @Option(names = "--id", required = true, description = "This replica's id in its new group.")
        int id;

        @Option(names = "--peers", required = true, paramLabel = "ID=HOST:PORT,...",
                description = "Every replica of the new group, this one included, as the servers will be started with.")
        String peers;

        @Spec
        CommandSpec spec;

        Map<Integer, InetSocketAddress> members() {
            Map<Integer, InetSocketAddress> members = Peers.byId(peers);
            if (!members.containsKey(id)) {
                throw new IllegalArgumentException("--peers does not list this replica's id " + id);
            }
            return members;
        }

        PrintWriter out() {
            return spec.commandLine().getOut();
        }
    }

    /**
     * Seeds {@code dataDir} as a controller replica of {@code members} from backup {@code from}
     * (its image verified), its configurations recording {@code servers} for the groups; returns
     * the image's configurations.
     */
    static ControllerImages.Rewritten seedController(Path from, BackupManifest m, Map<Integer, InetSocketAddress> members,
                                                    Map<Integer, List<String>> servers, Path dataDir) throws Exception {
        ControllerImages.Rewritten image;
        try (InputStream in = Files.newInputStream(from.resolve(m.controller().file()))) {
            image = ControllerImages.withServers(in, m.shards(), servers);
        }
        seed(m.controller(), image.image(), members, dataDir);
        return image;
    }

    /** Group {@code gid}'s part of backup {@code m} in {@code from}. */
    static BackupManifest.Part groupPart(Path from, BackupManifest m, int gid) {
        BackupManifest.Part part = m.groups().get(gid);
        if (part == null) {
            throw new IllegalArgumentException("the backup in " + from + " has no group " + gid + "; it has "
                    + m.groups().keySet());
        }
        return part;
    }

    /** Seeds {@code dataDir} as a replica of group {@code gid} of {@code members} from backup {@code from} (its image verified). */
    static BackupManifest.Part seedGroup(Path from, BackupManifest m, int gid, Map<Integer, InetSocketAddress> members,
                                         Path dataDir) throws Exception {
        BackupManifest.Part part = groupPart(from, m, gid);
        Path image = from.resolve(part.file());
        seed(part, out -> Files.copy(image, out), members, dataDir);
        GroupDataFormat.recordRestored(dataDir);
        return part;
    }

    /** Seeds {@code dataDir} with {@code image} as {@code part}'s snapshot for the new {@code members}. */
    private static void seed(BackupManifest.Part part, SnapshotImage image, Map<Integer, InetSocketAddress> members,
                             Path dataDir) throws Exception {
        TreeMap<Integer, String> addresses = new TreeMap<>();
        members.forEach((member, a) -> addresses.put(member, HostPort.format(a)));
        MembershipConfig config = new MembershipConfig(JointConfig.of(MajorityConfig.of(members.keySet())),
                Collections.emptySortedSet(), addresses);
        RaftStorage.seed(dataDir, new SnapshotMeta(Math.max(part.index(), 1), RESTORED_TERM, config), image,
                StorageOptions.DEFAULTS);
    }

    @Command(name = "ctrler", mixinStandardHelpOptions = true,
            description = "Write a controller replica's data directory from a backup, with the groups' new addresses.")
    static final class Ctrler extends ReplicaRestore {
        @Option(names = "--group", required = true, paramLabel = "GID=HOST:PORT,...",
                description = "Every backed-up group's new replicas' addresses; repeat for each group.")
        List<String> groups;

        @Override
        public Integer call() throws Exception {
            BackupManifest m = BackupManifest.read(from);
            BackupManifest.verify(from, m.controller());
            ControllerImages.Rewritten image = seedController(from, m, members(), Peers.groups(groups), dataDir);
            out().printf("controller replica %d restored into %s: configurations up to %d from the backup, and %d"
                    + " recording the new addresses; start it with --shards %d --cluster-id %s%n", id, dataDir,
                    image.backedUp().num(), image.restored().num(), m.shards(), m.clusterId());
            out().flush();
            return 0;
        }
    }

    @Command(name = "server", mixinStandardHelpOptions = true,
            description = "Write a shard-group replica's data directory from a backup.")
    static final class Server extends ReplicaRestore {
        @Option(names = "--gid", required = true, description = "The backed-up group this replica restores.")
        int gid;

        @Override
        public Integer call() throws Exception {
            BackupManifest m = BackupManifest.read(from);
            BackupManifest.verify(from, groupPart(from, m, gid));
            BackupManifest.Part part = seedGroup(from, m, gid, members(), dataDir);
            out().printf("group %d replica %d restored into %s (configuration %d, %s); start it with --gid %d --shards"
                    + " %d --cluster-id %s%n", gid, id, dataDir, m.configuration(), MemberCommand.bytes(part.bytes()),
                    gid, m.shards(), m.clusterId());
            out().flush();
            return 0;
        }
    }
}
