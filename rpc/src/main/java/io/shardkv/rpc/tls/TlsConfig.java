package io.shardkv.rpc.tls;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Mutual TLS for a process: its certificate chain and key, and the CA its peers' certificates must
 * chain to, all PEM files. Servers require a client certificate from that CA (or, where they accept
 * tokens, a token in the handshake); clients verify that the server's certificate names the host
 * they dialled.
 *
 * @param certificate the process's certificate, then the chain up to the CA (PEM); null for a
 *                    client that presents a token instead ({@link #trusting})
 * @param privateKey  its key, unencrypted PKCS#8 (PEM); null with the certificate
 * @param trustedCa   the cluster CA's certificate (PEM): the only issuer accepted
 * @param protocols   TLS versions allowed (default TLS 1.3 only)
 */
public record TlsConfig(Path certificate, Path privateKey, Path trustedCa, List<String> protocols) {

    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3");

    public TlsConfig {
        if ((certificate == null) != (privateKey == null)) {
            throw new IllegalArgumentException("a certificate and its key go together");
        }
        Objects.requireNonNull(trustedCa, "trustedCa");
        protocols = List.copyOf(protocols);
        if (protocols.isEmpty()) {
            throw new IllegalArgumentException("protocols is empty: allow at least one TLS version");
        }
    }

    public static TlsConfig of(Path certificate, Path privateKey, Path trustedCa) {
        return new TlsConfig(Objects.requireNonNull(certificate, "certificate"),
                Objects.requireNonNull(privateKey, "privateKey"), trustedCa, DEFAULT_PROTOCOLS);
    }

    /** TLS for a client without a certificate of its own: it checks the servers' and presents a token. */
    public static TlsConfig trusting(Path trustedCa) {
        return new TlsConfig(null, null, trustedCa, DEFAULT_PROTOCOLS);
    }

    /** Whether this process presents a certificate (every server does). */
    public boolean presentsCertificate() {
        return certificate != null;
    }

    /**
     * The files of {@code name} in a directory {@code bin/shardkv certs} wrote: {@code NAME.pem},
     * {@code NAME-key.pem} and the CA's {@code ca.pem}.
     */
    public static TlsConfig inDirectory(Path dir, String name) {
        return of(dir.resolve(name + ".pem"), dir.resolve(name + "-key.pem"), dir.resolve(CertificateAuthority.CA_CERTIFICATE));
    }
}
