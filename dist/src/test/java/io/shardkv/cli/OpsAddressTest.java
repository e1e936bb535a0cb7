package io.shardkv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.shardkv.ctrler.ControllerServer;
import io.shardkv.raft.server.ReplicaConfig;
import io.shardkv.raft.server.ReplicaServer;
import io.shardkv.raft.testing.FreePorts;
import io.shardkv.rpc.EventLoops;
import io.shardkv.rpc.TransportConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operations port listens only on the address it is given. */
class OpsAddressTest {

    @Test
    void aPortBoundToOneAddressIsNotReachableOnAnother(@TempDir Path tmp) throws Exception {
        InetSocketAddress raft = new InetSocketAddress("127.0.0.1", FreePorts.take(1).get(0));
        try (EventLoops loops = EventLoops.create(TransportConfig.builder("ops-address").ioThreads(1).build());
             ReplicaServer replica = ControllerServer.start(ReplicaConfig.of(1, Map.of(1, raft), tmp, "ops-address"), 4,
                     loops)) {
            OpsServer ops = OpsServer.start(InetAddress.getByName("127.0.0.2"), 0, new PrometheusRegistry(),
                    new Probes(replica));
            try {
                HttpResponse<String> live = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.2:" + ops.port() + "/livez")).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, live.statusCode(), live.body());
                assertThrows(IOException.class, () -> {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress("127.0.0.1", ops.port()), 2_000);
                    }
                });
            } finally {
                ops.close();
            }
        }
    }
}
