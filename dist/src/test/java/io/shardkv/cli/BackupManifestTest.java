package io.shardkv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manifest reads back as written, and any change to it, or an unknown version, is refused naming it. */
class BackupManifestTest {

    @TempDir
    Path dir;

    private final BackupManifest manifest = new BackupManifest("prod", 64, 17, "2026-12-03T12:00:00Z",
            new BackupManifest.Part("controller.img", 40, 900, "aa".repeat(32)),
            new TreeMap<>(Map.of(100, new BackupManifest.Part("group-100.img", 812, 1 << 20, "bb".repeat(32)),
                    101, new BackupManifest.Part("group-101.img", 799, 2 << 20, "cc".repeat(32)))));

    @Test
    void readsBackWhatWasWritten() throws Exception {
        manifest.write(dir);
        assertEquals(manifest, BackupManifest.read(dir));
    }

    @Test
    void refusesAnEditedOrNewerManifest() throws Exception {
        manifest.write(dir);
        Path file = dir.resolve(BackupManifest.FILE);
        String text = Files.readString(file);
        Files.writeString(file, text.replace("group.100.index=812", "group.100.index=813"));
        IllegalStateException edited = assertThrows(IllegalStateException.class, () -> BackupManifest.read(dir));
        assertTrue(edited.getMessage().startsWith(file + " is corrupt"), edited.getMessage());

        Files.writeString(file, text.substring(0, text.indexOf("checksum=")));
        IllegalStateException truncated = assertThrows(IllegalStateException.class, () -> BackupManifest.read(dir));
        assertTrue(truncated.getMessage().startsWith(file + " is truncated"), truncated.getMessage());
    }

    @Test
    void refusesAManifestOfAnotherVersion() throws Exception {
        manifest.write(dir);
        Path file = dir.resolve(BackupManifest.FILE);
        List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        lines.remove(lines.size() - 1);
        lines.replaceAll(l -> l.equals("version=2") ? "version=3" : l);
        String body = String.join("\n", lines);
        lines.add("checksum=" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(body.getBytes(StandardCharsets.UTF_8))));
        Files.write(file, lines, StandardCharsets.UTF_8);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> BackupManifest.read(dir));
        assertTrue(e.getMessage().contains("is of backup format version 3; this shardkv reads version 2"),
                e.getMessage());
    }

    @Test
    void refusesAPartFileOutsideTheBackup() throws Exception {
        new BackupManifest("prod", 64, 17, "now", new BackupManifest.Part("../etc/passwd", 1, 1, "aa"), new TreeMap<>())
                .write(dir);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> BackupManifest.read(dir));
        assertTrue(e.getMessage().contains("controller.file must name a file beside it"), e.getMessage());
    }
}
