package io.shardkv.rpc.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The TLS contexts of one process, made from its {@link TlsConfig} and remade when its files
 * change: certificates are rotated by replacing the files (whole, e.g. by rename), and every
 * connection made after that uses them; connections already up keep theirs. The files are looked
 * at again at most once a second, when a connection is made. A replacement that cannot be read is
 * logged and the contexts in use are kept. Thread-safe.
 */
public final class TlsContexts {

    private static final Logger LOG = LoggerFactory.getLogger(TlsContexts.class);

    private final ReloadedFiles<Loaded> loaded;

    private record Loaded(SslContext server, SslContext client, X509Certificate certificate) {
    }

    private TlsContexts(ReloadedFiles<Loaded> loaded) {
        this.loaded = loaded;
    }

    /** Loads the files now; an IllegalArgumentException naming the file and the problem if one is missing or unreadable. */
    public static TlsContexts load(TlsConfig config) {
        return load(config, false);
    }

    /**
     * The same; with {@code tokensAccepted}, accepted connections need not present a certificate
     * (the handshake then asks for a token instead).
     */
    public static TlsContexts load(TlsConfig config, boolean tokensAccepted) {
        try {
            ReloadedFiles<Loaded> loaded = ReloadedFiles.read("TLS files", files(config),
                    () -> build(config, tokensAccepted), fresh -> LOG.info("TLS files changed: new connections use"
                            + " them{}", fresh.certificate() == null ? "" : " (certificate "
                            + fresh.certificate().getSubjectX500Principal().getName() + ", valid until "
                            + fresh.certificate().getNotAfter().toInstant() + ")"));
            X509Certificate own = loaded.current().certificate();
            LOG.info("TLS on ({}): {}, trusting the CA in {}", String.join(", ", config.protocols()),
                    own == null ? "no certificate of its own (a token client)" : "certificate "
                            + config.certificate() + " (" + own.getSubjectX500Principal().getName() + ")",
                    config.trustedCa());
            return new TlsContexts(loaded);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The context for accepted connections: client certificates from the CA are required (optional where tokens are accepted). */
    public SslContext server() {
        SslContext server = current().server();
        if (server == null) {
            throw new IllegalStateException("a server needs a certificate of its own: give --tls-cert and --tls-key");
        }
        return server;
    }

    /** The context for outbound connections. */
    public SslContext client() {
        return current().client();
    }

    /** The client context as the JDK's, for a blocking socket (the contexts are built on the JDK's provider). */
    public SSLContext jdkClient() {
        return ((JdkSslContext) client()).context();
    }

    /** The certificate in use; null for a token client. */
    public X509Certificate certificate() {
        return current().certificate();
    }

    private Loaded current() {
        return loaded.current();
    }

    private static Loaded build(TlsConfig config, boolean tokensAccepted) throws IOException {
        for (Path file : files(config)) {
            if (!Files.isReadable(file)) {
                throw new IOException("TLS file " + file + " does not exist or cannot be read");
            }
        }
        X509Certificate own = config.presentsCertificate() ? PemFiles.certificates(config.certificate()).get(0) : null;
        PemFiles.certificates(config.trustedCa());
        String[] protocols = config.protocols().toArray(String[]::new);
        try {
            SslContext server = own == null ? null
                    : SslContextBuilder.forServer(config.certificate().toFile(), config.privateKey().toFile())
                    .trustManager(config.trustedCa().toFile())
                    .clientAuth(tokensAccepted ? ClientAuth.OPTIONAL : ClientAuth.REQUIRE)
                    .sslProvider(SslProvider.JDK)
                    .protocols(protocols)
                    .build();
            return new Loaded(server, client(config), own);
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException("cannot use the TLS files " + files(config) + ": " + e.getMessage(), e);
        }
    }

    private static SslContext client(TlsConfig config) throws IOException {
        SslContextBuilder client = SslContextBuilder.forClient();
        if (config.presentsCertificate()) {
            client.keyManager(config.certificate().toFile(), config.privateKey().toFile());
        }
        return client
                .trustManager(config.trustedCa().toFile())
                .endpointIdentificationAlgorithm("HTTPS")
                .sslProvider(SslProvider.JDK)
                .protocols(config.protocols().toArray(String[]::new))
                .build();
    }

    private static List<Path> files(TlsConfig config) {
        return config.presentsCertificate() ? List.of(config.certificate(), config.privateKey(), config.trustedCa())
                : List.of(config.trustedCa());
    }
}
