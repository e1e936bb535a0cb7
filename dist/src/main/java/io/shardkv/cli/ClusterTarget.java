package io.shardkv.cli;

import io.shardkv.client.ClientConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Which cluster a client command talks to: controllers named by --ctrl, or a local cluster's directory. */
public final class ClusterTarget {

    static final Path DEFAULT_LOCAL_DIR = Path.of(System.getProperty("user.home"), ".shardkv", "local");

    @Option(names = "--ctrl", paramLabel = "HOST:PORT,...", description = "The controller replicas' addresses.")
    String controllers;

    @Option(names = "--dir", description = "A local cluster's directory (used when --ctrl is not given). Default: ~/.shardkv/local.")
    Path dir;

    @Option(names = "--cluster-id", description = "The cluster's id, with --ctrl. Default: shardkv.")
    String clusterId;

    @Mixin
    TlsOptions tls = new TlsOptions();

    @Option(names = "--token-file", paramLabel = "FILE",
            description = {"Present the token in FILE instead of a certificate (bin/shardkv certs token); give --tls-ca",
                "too, to check the servers."})
    Path tokenFile;

    @Option(names = "--timeout", defaultValue = "10s", paramLabel = "DURATION",
            description = "How long one operation may take before it fails, e.g. 500ms, 10s. Default: ${DEFAULT-VALUE}.")
    String timeout;

    /** Options naming the local cluster in {@code dir}, as {@code --dir DIR} would. */
    public static ClusterTarget ofLocalDir(Path dir) {
        ClusterTarget t = new ClusterTarget();
        t.dir = dir;
        t.timeout = "10s";
        return t;
    }

    /**
     * The client settings for the cluster these options name, once the controller addresses are
     * known to hold at least one controller that may answer ({@link ControllerCheck}).
     */
    public ClientConfig clientConfig() throws IOException {
        ClientConfig c = named();
        ControllerCheck.require(c);
        return c;
    }

    private ClientConfig named() throws IOException {
        Duration t = Durations.parse(timeout, "--timeout");
        ClientConfig c;
        if (controllers != null) {
            c = ClientConfig.of(Peers.list(controllers)).withCallTimeout(t);
            c = clusterId == null ? c : c.withClusterId(clusterId);
        } else {
            c = LocalLayout.load(dir == null ? DEFAULT_LOCAL_DIR : dir).clientConfig().withCallTimeout(t);
        }
        c = tls.config(tokenFile != null).map(c::withTls).orElse(c);
        return tokenFile == null ? c : c.withToken(token(c));
    }

    private String token(ClientConfig c) throws IOException {
        if (c.tls().isEmpty()) {
            throw new IllegalArgumentException("--token-file needs TLS: give --tls-ca (without it a token would cross"
                    + " the network in clear)");
        }
        TlsOptions.readable(tokenFile);
        String token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
        if (token.isEmpty()) {
            throw new IllegalArgumentException("--token-file " + tokenFile + " is empty");
        }
        return token;
    }
}
