package io.shardkv.it;

import com.github.dockerjava.api.DockerClient;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Edits a stopped container's data directory through the Docker API (copy out, change, copy back):
 * the image has no shell, and a stopped container runs nothing anyway.
 */
final class DataDirectory {

    private DataDirectory() {
    }

    /**
     * Truncates the newest non-empty {@code wal-*.log} under {@code dir} by {@code bytes} (at most its
     * whole length) and returns a description of the cut.
     */
    static String tearNewestWal(DockerClient docker, String containerId, String dir, int bytes) throws IOException {
        String newest = null;
        byte[] content = null;
        long uid = 0;
        long gid = 0;
        try (InputStream archive = docker.copyArchiveFromContainerCmd(containerId, dir).exec();
             TarArchiveInputStream tar = new TarArchiveInputStream(archive)) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                String file = e.getName().substring(e.getName().lastIndexOf('/') + 1);
                if (e.isFile() && file.startsWith("wal-") && file.endsWith(".log") && e.getSize() > 0
                        && (newest == null || file.compareTo(newest) > 0)) {
                    newest = file;
                    content = tar.readAllBytes();
                    uid = e.getLongUserId();
                    gid = e.getLongGroupId();
                }
            }
        }
        if (newest == null) {
            throw new IllegalStateException("no non-empty WAL segment in " + dir + " of " + containerId);
        }
        int cut = Math.min(bytes, content.length);
        byte[] torn = Arrays.copyOf(content, content.length - cut);
        ByteArrayOutputStream replacement = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(replacement)) {
            TarArchiveEntry entry = new TarArchiveEntry(newest);
            entry.setSize(torn.length);
            entry.setMode(0644);
            // The server runs as its own user: the torn file must stay its to append to.
            entry.setUserId(uid);
            entry.setGroupId(gid);
            tar.putArchiveEntry(entry);
            tar.write(torn);
            tar.closeArchiveEntry();
        }
        docker.copyArchiveToContainerCmd(containerId).withRemotePath(dir)
                .withTarInputStream(new ByteArrayInputStream(replacement.toByteArray())).exec();
        return newest + ": " + content.length + " -> " + torn.length + " bytes";
    }
}
