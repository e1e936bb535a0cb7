package io.shardkv.it;

import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Volume;
import io.shardkv.rpc.tls.CertificateAuthority;
import io.shardkv.rpc.tls.Role;
import io.shardkv.rpc.tls.TlsConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * The container cluster's mutual TLS: a CA made for the run, a certificate per container (role
 * server, naming its address and its name on the network) mounted read-only at /tls, and an admin
 * certificate for the test's own clients and tools.
 */
final class ClusterCertificates {

    /** The uid the server image runs as: it must be able to read its key. */
    private static final int SERVER_UID = 10001;
    private static final String MOUNT = "/tls";

    private final Path dir;
    private final CertificateAuthority ca;
    private final TlsConfig admin;

    private ClusterCertificates(Path dir, CertificateAuthority ca, TlsConfig admin) {
        this.dir = dir;
        this.ca = ca;
        this.admin = admin;
    }

    /** A new CA in {@code dir} (emptied first) and the test's admin certificate. */
    static ClusterCertificates create(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> old = Files.walk(dir)) {
                for (Path p : old.sorted((a, b) -> b.compareTo(a)).toList()) {
                    Files.delete(p);
                }
            }
        }
        Path caDir = dir.resolve("ca");
        CertificateAuthority ca = CertificateAuthority.create(caDir, "shardkv integration-test CA", Duration.ofDays(2));
        TlsConfig admin = TlsConfig.inDirectory(caDir, "test-admin");
        ca.issue("test-admin", Role.ADMIN, List.of(), admin.certificate(), admin.privateKey());
        return new ClusterCertificates(dir.toAbsolutePath(), ca, admin);
    }

    /** The test's certificate: role admin. */
    TlsConfig admin() {
        return admin;
    }

    /** Issues {@code node}'s certificate into a directory of its own, readable by the server's uid. */
    void issue(ClusterNode node) throws IOException {
        Path own = dir.resolve(node.name());
        Files.createDirectories(own);
        TlsConfig files = TlsConfig.inDirectory(own, "node");
        ca.issue(node.name(), Role.SERVER, List.of(node.ip(), node.name()), files.certificate(), files.privateKey());
        Files.copy(dir.resolve("ca").resolve(CertificateAuthority.CA_CERTIFICATE), files.trustedCa(),
                StandardCopyOption.REPLACE_EXISTING);
        for (Path p : List.of(own, files.certificate(), files.privateKey(), files.trustedCa())) {
            Files.setAttribute(p, "unix:uid", SERVER_UID);
        }
    }

    /** Where {@code node}'s files are seen inside its container. */
    Bind bind(ClusterNode node) {
        return new Bind(dir.resolve(node.name()).toString(), new Volume(MOUNT), AccessMode.ro);
    }

    /** The server flags that turn TLS on with the mounted files. */
    static List<String> flags() {
        TlsConfig inside = TlsConfig.inDirectory(Path.of(MOUNT), "node");
        return List.of("--tls-cert", inside.certificate().toString(), "--tls-key", inside.privateKey().toString(),
                "--tls-ca", inside.trustedCa().toString());
    }

    /** The same flags for a tool run on the host with the admin certificate. */
    List<String> adminFlags() {
        return List.of("--tls-cert", admin.certificate().toString(), "--tls-key", admin.privateKey().toString(),
                "--tls-ca", admin.trustedCa().toString());
    }
}
