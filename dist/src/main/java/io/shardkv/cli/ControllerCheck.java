package io.shardkv.cli;

import io.shardkv.client.ClientConfig;
import io.shardkv.rpc.HostPort;
import io.shardkv.rpc.TransportConfig;
import io.shardkv.rpc.ServiceProbe;
import io.shardkv.rpc.ServiceProbe.Answer;
import io.shardkv.rpc.Services;
import io.shardkv.rpc.tls.TlsContexts;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * What a tool does before it relies on the controller addresses it was given: asks each address
 * what it is (in parallel, at most a second each), and fails at once, naming every address and
 * what it is instead, when none of them can be a controller of the cluster. An address that does
 * not answer in time may be a busy controller, so it lets the command go on to its own timeout.
 */
final class ControllerCheck {

    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

    private ControllerCheck() {
    }

    static void require(ClientConfig c) {
        // Loaded once for every probe; unusable files are a usage error, named here rather than per probe.
        TlsContexts tls = c.tls().map(TlsContexts::load).orElse(null);
        TransportConfig settings = c.transportConfig();
        List<InetSocketAddress> addresses = c.controllers();
        ExecutorService probes = Executors.newFixedThreadPool(addresses.size(), r -> {
            Thread t = new Thread(r, "controller-probe");
            t.setDaemon(true);
            return t;
        });
        try {
            List<CompletableFuture<Answer>> answers = addresses.stream()
                    .map(a -> CompletableFuture.supplyAsync(() -> ServiceProbe.probe(a, settings, tls, PROBE_TIMEOUT), probes))
                    .toList();
            List<String> problems = new ArrayList<>();
            for (int i = 0; i < addresses.size(); i++) {
                String problem = problem(HostPort.format(addresses.get(i)), answers.get(i).join());
                if (problem == null) {
                    return;
                }
                problems.add(problem);
            }
            throw new IllegalStateException((problems.size() == 1 ? "" : "no controller at any address: ")
                    + String.join("; ", problems));
        } finally {
            probes.shutdownNow();
        }
    }

    /** Why {@code address} cannot be a controller, or null if it may be one. */
    private static String problem(String address, Answer answer) {
        if (answer instanceof Answer.Serves s) {
            return s.service().equals(Services.CONTROLLER) ? null
                    : address + " is " + Services.describe(s.service()) + ", not a controller";
        }
        if (answer instanceof Answer.Unreachable u) {
            return address + ": " + u.reason();
        }
        if (answer instanceof Answer.Rejected r) {
            return address + " refused the connection: " + r.reason();
        }
        if (answer instanceof Answer.Foreign f) {
            return address + " is not a shardkv server: " + f.what();
        }
        return null; // Silent: perhaps a busy controller
    }
}
