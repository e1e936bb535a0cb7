package io.shardkv.rpc.tls;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The tokens a server accepts from clients that cannot present a certificate: one line per token,
 * {@code NAME ROLE sha256:HEX} (the SHA-256 of the token, so the file holds no secret), {@code #}
 * comments and blank lines allowed. Written by {@code bin/shardkv certs token}. Read again when it
 * changes ({@link ReloadedFiles}), so added or removed lines take effect without a restart.
 * Thread-safe.
 */
public final class TokenFile {

    private static final Logger LOG = LoggerFactory.getLogger(TokenFile.class);
    private static final String HASH_PREFIX = "sha256:";

    private record Entry(String name, Role role, byte[] hash) {
    }

    private final ReloadedFiles<List<Entry>> entries;

    private TokenFile(ReloadedFiles<List<Entry>> entries) {
        this.entries = entries;
    }

    /** Reads {@code file} now; an IllegalArgumentException naming the file and line if it cannot be used. */
    public static TokenFile load(Path file) {
        try {
            ReloadedFiles<List<Entry>> entries = ReloadedFiles.read("token file " + file, List.of(file),
                    () -> parse(file), fresh -> LOG.info("token file {} changed: {} token(s)", file, fresh.size()));
            LOG.info("accepting {} token(s) from {} from clients without a certificate", entries.current().size(), file);
            return new TokenFile(entries);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Who {@code token} belongs to, if it is in the file. */
    public Optional<PeerCertificates.Holder> holder(String token) {
        byte[] hash = sha256(token);
        Optional<PeerCertificates.Holder> found = Optional.empty();
        for (Entry e : entries.current()) {
            // Every entry is compared, in constant time, so timing does not tell how close a guess was.
            if (MessageDigest.isEqual(e.hash(), hash) && found.isEmpty()) {
                found = Optional.of(new PeerCertificates.Holder(e.name(), e.role()));
            }
        }
        return found;
    }

    /** The line {@code bin/shardkv certs token} adds for a new token. */
    public static String line(String name, Role role, String token) {
        return name + " " + role.title() + " " + HASH_PREFIX + HexFormat.of().formatHex(sha256(token));
    }

    private static List<Entry> parse(Path file) throws IOException {
        if (!Files.isReadable(file)) {
            throw new IOException("token file " + file + " does not exist or cannot be read");
        }
        List<Entry> entries = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\\s+");
            String where = file + ":" + (i + 1);
            if (fields.length != 3 || !fields[2].startsWith(HASH_PREFIX)) {
                throw new IOException(where + ": expected NAME ROLE sha256:HEX, got \"" + line + "\"");
            }
            Role role;
            byte[] hash;
            try {
                role = Role.ofTitle(fields[1]);
                hash = HexFormat.of().parseHex(fields[2].substring(HASH_PREFIX.length()));
            } catch (IllegalArgumentException e) {
                throw new IOException(where + ": " + e.getMessage());
            }
            if (hash.length != 32) {
                throw new IOException(where + ": a SHA-256 has 64 hex digits, got " + 2 * hash.length);
            }
            if (role == Role.SERVER) {
                throw new IOException(where + ": tokens are for clients; role server needs a certificate");
            }
            entries.add(new Entry(fields[0], role, hash));
        }
        return List.copyOf(entries);
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
