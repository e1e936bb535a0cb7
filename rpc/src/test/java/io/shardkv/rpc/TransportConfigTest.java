package io.shardkv.rpc;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransportConfigTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        TransportConfig config = TransportConfig.builder("prod").build();
        assertEquals("prod", config.clusterId());
        assertEquals(0, config.nodeId());
        assertEquals(Runtime.getRuntime().availableProcessors(), config.ioThreads());
        assertTrue(config.preferNativeTransport());
        assertEquals(16 * 1024 * 1024, config.maxFrameBytes());
        assertEquals(Duration.ofSeconds(5), config.connectTimeout());
        assertEquals(Duration.ofSeconds(5), config.handshakeTimeout());
        assertEquals(Duration.ofMillis(50), config.reconnectBackoffMin());
        assertEquals(Duration.ofSeconds(2), config.reconnectBackoffMax());
        assertEquals(4096, config.maxQueuedMessages());
        assertEquals(64L * 1024 * 1024, config.maxQueuedBytes());
        assertEquals(4096, config.maxPendingRequests());
        assertEquals(Duration.ofMillis(100), config.shutdownQuietPeriod());
        assertEquals(Duration.ofSeconds(5), config.shutdownTimeout());
        assertEquals(new ConnectionLimits(4096, 1024, Duration.ofMinutes(5), 256L << 20, 1024), config.limits());
    }

    @Test
    void badValuesAreRejectedWithTheSettingAndTheValue() {
        assertRejected("clusterId must be 1 to 255 bytes of UTF-8, was 0 bytes", b -> b, "");
        assertRejected("clusterId must be 1 to 255 bytes of UTF-8, was 256 bytes", b -> b, "x".repeat(256));
        assertRejected("clusterId must not contain control characters: 'a?b'", b -> b, "a\nb");
        assertRejected("nodeId must be >= 0 (0 = not a cluster member), was -1", b -> b.nodeId(-1));
        assertRejected("ioThreads must be >= 1, was 0", b -> b.ioThreads(0));
        assertRejected("maxFrameBytes must be between 4096 and 1073741824, was 100", b -> b.maxFrameBytes(100));
        assertRejected("connectTimeout must be between 1 ms and 2147483647 ms, was PT0S",
                b -> b.connectTimeout(Duration.ZERO));
        assertRejected("handshakeTimeout must be > 0, was PT-1S", b -> b.handshakeTimeout(Duration.ofSeconds(-1)));
        assertRejected("reconnectBackoffMin (PT5S) must not exceed reconnectBackoffMax (PT2S)",
                b -> b.reconnectBackoff(Duration.ofSeconds(5), Duration.ofSeconds(2)));
        assertRejected("maxQueuedMessages must be >= 1, was 0", b -> b.maxQueuedMessages(0));
        assertRejected("maxQueuedBytes must be >= 16777220, was 1000", b -> b.maxQueuedBytes(1000));
        assertRejected("maxPendingRequests must be >= 1, was 0", b -> b.maxPendingRequests(0));
        assertRejected("shutdownQuietPeriod (PT10S) must not exceed shutdownTimeout (PT5S)",
                b -> b.shutdown(Duration.ofSeconds(10), Duration.ofSeconds(5)));
        assertThrows(NullPointerException.class, () -> TransportConfig.builder("x").handshakeTimeout(null).build());
    }

    private static void assertRejected(String message, UnaryOperator<TransportConfig.Builder> change) {
        assertRejected(message, change, "prod");
    }

    private static void assertRejected(String message, UnaryOperator<TransportConfig.Builder> change, String cluster) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> change.apply(TransportConfig.builder(cluster)).build());
        assertEquals(message, e.getMessage());
    }
}
