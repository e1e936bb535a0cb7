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
        if (certificate == null && key == null && ca == null) {
            return Optional.empty();
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
            if (!Files.isReadable(file)) {
                throw new IllegalArgumentException("TLS file " + file + " does not exist or cannot be read");
            }
        }
        return Optional.of(TlsConfig.of(certificate, key, ca));
    }
}
