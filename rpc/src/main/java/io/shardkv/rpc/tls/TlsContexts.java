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
    private static final long RECHECK_NANOS = 1_000_000_000L;

    private final TlsConfig config;
    private final boolean tokensAccepted;
    private volatile Loaded loaded;
    private volatile long checkedAt;
    private volatile String failedStamp;

    private record Loaded(String stamp, SslContext server, SslContext client, X509Certificate certificate) {
    }

    private TlsContexts(TlsConfig config, boolean tokensAccepted, Loaded loaded) {
        this.config = config;
        this.tokensAccepted = tokensAccepted;
        this.loaded = loaded;
        this.checkedAt = System.nanoTime();
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
            Loaded loaded = build(config, tokensAccepted, stamp(config));
            LOG.info("TLS on ({}): {}, trusting the CA in {}", String.join(", ", config.protocols()),
                    loaded.certificate() == null ? "no certificate of its own (a token client)" : "certificate "
                            + config.certificate() + " (" + loaded.certificate().getSubjectX500Principal().getName() + ")",
                    config.trustedCa());
            return new TlsContexts(config, tokensAccepted, loaded);
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
        long now = System.nanoTime();
        if (now - checkedAt >= RECHECK_NANOS) {
            checkedAt = now;
            reloadIfChanged();
        }
        return loaded;
    }

    private synchronized void reloadIfChanged() {
        String stamp;
        try {
            stamp = stamp(config);
        } catch (IOException e) {
            stamp = "unreadable: " + e.getMessage();
        }
        if (stamp.equals(loaded.stamp()) || stamp.equals(failedStamp)) {
            return;
        }
        try {
            Loaded fresh = build(config, tokensAccepted, stamp);
            loaded = fresh;
            failedStamp = null;
            LOG.info("TLS files changed: new connections use them{}", fresh.certificate() == null ? ""
                    : " (certificate " + fresh.certificate().getSubjectX500Principal().getName() + ", valid until "
                    + fresh.certificate().getNotAfter().toInstant() + ")");
        } catch (IOException | RuntimeException e) {
            failedStamp = stamp;
            LOG.warn("TLS files changed but cannot be used, keeping the certificate in use: {}", e.getMessage());
        }
    }

    private static Loaded build(TlsConfig config, boolean tokensAccepted, String stamp) throws IOException {
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
            return new Loaded(stamp, server, client(config), own);
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

    /** What the files are now: a change of any of them is a change of this. */
    private static String stamp(TlsConfig config) throws IOException {
        StringBuilder s = new StringBuilder();
        for (Path file : files(config)) {
            s.append(file).append('@').append(Files.getLastModifiedTime(file).toMillis()).append('/')
                    .append(Files.size(file)).append(';');
        }
        return s.toString();
    }
}
