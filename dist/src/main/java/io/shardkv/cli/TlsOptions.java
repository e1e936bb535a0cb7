package io.shardkv.cli;

import io.shardkv.rpc.tls.TlsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Mutual TLS files on the command line: all three, or none for plain TCP. */
final class TlsOptions {

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = {"This process's certificate and its chain (PEM), issued by the cluster CA (bin/shardkv certs).",
                "With --tls-key and --tls-ca it turns mutual TLS on; without them the connections are plain TCP."})
    Path certificate;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "The certificate's private key (unencrypted PKCS#8 PEM).")
    Path key;

    @Option(names = "--tls-ca", paramLabel = "FILE", description = "The cluster CA's certificate (PEM): the only issuer trusted.")
    Path ca;

    /** The files, checked to be readable; an IllegalArgumentException naming what is missing otherwise. */
    Optional<TlsConfig> config() {
        return config(false);
    }

    /**
     * The same; a {@code tokenClient} (one that presents a token) may give --tls-ca alone, to check
     * the servers' certificates without presenting one.
     */
    Optional<TlsConfig> config(boolean tokenClient) {
        if (certificate == null && key == null && ca == null) {
            return Optional.empty();
        }
        if (tokenClient && certificate == null && key == null && ca != null) {
            readable(ca);
            return Optional.of(TlsConfig.trusting(ca));
        }
        List<String> missing = new ArrayList<>();
        if (certificate == null) {
            missing.add("--tls-cert");
        }
        if (key == null) {
            missing.add("--tls-key");
        }
        if (ca == null) {
            missing.add("--tls-ca");
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("--tls-cert, --tls-key and --tls-ca go together; missing: "
                    + String.join(", ", missing));
        }
        for (Path file : List.of(certificate, key, ca)) {
            readable(file);
        }
        return Optional.of(TlsConfig.of(certificate, key, ca));
    }

    static void readable(Path file) {
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("file " + file + " does not exist or cannot be read");
        }
    }
}
