package io.shardkv.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a backup directory holds, in {@code backup.manifest}: one {@code key=value} line per fact,
 * sorted, and last a {@code checksum} (SHA-256 of the lines before it), so a damaged manifest is
 * refused like a damaged image. Format {@value #FORMAT} version {@value #VERSION}:
 * <pre>
 *   format, version, cluster-id, shards, configuration (the number the backup is of), created
 *   controller.file | .index | .bytes | .sha256      the controller's image
 *   group.GID.file | .index | .bytes | .sha256      each group's image
 * </pre>
 * An image is a replica's whole state as a snapshot holds it: sessions, then the service's state.
 */
record BackupManifest(String clusterId, int shards, long configuration, String created, Part controller,
                      SortedMap<Integer, Part> groups) {

    static final String FILE = "backup.manifest";
    static final String FORMAT = "shardkv-backup";
    static final int VERSION = 2;

    /** One replica group's image: its file in the backup directory, the index it was captured at, its length and SHA-256. */
    record Part(String file, long index, long bytes, String sha256) {
    }

    BackupManifest {
        groups = new TreeMap<>(groups);
    }

    /** Writes the manifest into {@code dir}, atomically: a backup without one is incomplete. */
    void write(Path dir) throws IOException {
        SortedMap<String, String> facts = new TreeMap<>();
        facts.put("format", FORMAT);
        facts.put("version", Integer.toString(VERSION));
        facts.put("cluster-id", clusterId);
        facts.put("shards", Integer.toString(shards));
        facts.put("configuration", Long.toString(configuration));
        facts.put("created", created);
        put(facts, "controller", controller);
        groups.forEach((gid, part) -> put(facts, "group." + gid, part));
        List<String> lines = new ArrayList<>();
        facts.forEach((k, v) -> lines.add(k + "=" + v));
        lines.add("checksum=" + sha256(String.join("\n", lines)));
        Path temp = dir.resolve(FILE + ".tmp");
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        Files.move(temp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE);
        // The images' and the manifest's names are durable only once the directory is.
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    private static void put(Map<String, String> facts, String prefix, Part p) {
        facts.put(prefix + ".file", p.file());
        facts.put(prefix + ".index", Long.toString(p.index()));
        facts.put(prefix + ".bytes", Long.toString(p.bytes()));
        facts.put(prefix + ".sha256", p.sha256());
    }

    /** Reads {@code dir}'s manifest; a missing, damaged or unknown one is refused naming the file and what is wrong. */
    static BackupManifest read(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalStateException(file + " does not exist: " + dir + " is no backup, or the backup did"
                    + " not finish (the manifest is written last)");
        }
        if (lines.isEmpty() || !lines.get(lines.size() - 1).startsWith("checksum=")) {
            throw new IllegalStateException(file + " is truncated: it does not end with its checksum");
        }
        String recorded = lines.get(lines.size() - 1).substring("checksum=".length());
        List<String> body = lines.subList(0, lines.size() - 1);
        if (!sha256(String.join("\n", body)).equals(recorded)) {
            throw new IllegalStateException(file + " is corrupt: its checksum does not match its contents");
        }
        Map<String, String> facts = new TreeMap<>();
        for (String line : body) {
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new IllegalStateException(file + " has a malformed line: \"" + line + "\"");
            }
            facts.put(line.substring(0, eq), line.substring(eq + 1));
        }
        Facts f = new Facts(file, facts);
        if (!FORMAT.equals(facts.get("format"))) {
            throw new IllegalStateException(file + " is not a shardkv backup manifest");
        }
        long version = f.number("version");
        if (version != VERSION) {
            throw new IllegalStateException(file + " is of backup format version " + version + "; this shardkv"
                    + " reads version " + VERSION + (version == 1 ? " (version 1 backups place keys in shards by FNV-1a,"
                    + " this version by Redis Cluster hash slots: its images cannot be restored by this version)"
                    : " (restore it with the release that wrote it, or a newer one)"));
        }
        SortedMap<Integer, Part> groups = new TreeMap<>();
        for (String key : facts.keySet()) {
            if (key.startsWith("group.") && key.endsWith(".file")) {
                String gid = key.substring("group.".length(), key.length() - ".file".length());
                if (!gid.matches("[1-9][0-9]{0,8}")) {
                    throw new IllegalStateException(file + ": \"" + key + "\" does not name a group id");
                }
                groups.put(Integer.parseInt(gid), f.part("group." + gid));
            }
        }
        long shards = f.number("shards");
        if (shards < 1 || shards > Integer.MAX_VALUE) {
            throw new IllegalStateException(file + ": shards " + shards + " is out of range");
        }
        return new BackupManifest(f.text("cluster-id"), (int) shards, f.number("configuration"),
                f.text("created"), f.part("controller"), groups);
    }

    /** The facts of one manifest, each looked up with an error naming the file when missing or malformed. */
    private record Facts(Path file, Map<String, String> facts) {
        String text(String key) {
            String v = facts.get(key);
            if (v == null || v.isEmpty()) {
                throw new IllegalStateException(file + " has no " + key);
            }
            return v;
        }

        long number(String key) {
            try {
                long n = Long.parseLong(text(key));
                if (n < 0) {
                    throw new NumberFormatException();
                }
                return n;
            } catch (NumberFormatException e) {
                throw new IllegalStateException(file + ": " + key + " is not a number: \"" + facts.get(key) + "\"");
            }
        }

        Part part(String prefix) {
            String name = text(prefix + ".file");
            if (name.contains("/") || name.contains("\\") || name.startsWith(".")) {
                throw new IllegalStateException(file + ": " + prefix + ".file must name a file beside it, got \""
                        + name + "\"");
            }
            return new Part(name, number(prefix + ".index"), number(prefix + ".bytes"), text(prefix + ".sha256"));
        }
    }

    /**
     * Checks that {@code part}'s file in {@code dir} is whole: its length and its SHA-256 as the
     * manifest records them; refuses a missing, truncated or corrupt one naming it.
     */
    static void verify(Path dir, Part part) throws IOException {
        Path file = dir.resolve(part.file());
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file + " is missing from the backup");
        }
        long size = Files.size(file);
        if (size != part.bytes()) {
            throw new IllegalStateException(file + " is " + (size < part.bytes() ? "truncated" : "too long") + ": "
                    + size + " bytes, the manifest says " + part.bytes());
        }
        MessageDigest sha = digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
            }
        }
        String actual = HexFormat.of().formatHex(sha.digest());
        if (!actual.equals(part.sha256())) {
            throw new IllegalStateException(file + " is corrupt: its SHA-256 is " + actual + ", the manifest says "
                    + part.sha256());
        }
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    private static String sha256(String text) {
        return HexFormat.of().formatHex(digest().digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
