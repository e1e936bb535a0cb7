package io.shardkv.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bad settings fail when made, saying which setting, its value and the rule. */
class ClientConfigTest {

    private final ClientConfig config = ClientConfig.of(List.of("127.0.0.1:7101"));

    @Test
    void eachTimeoutIsCheckedByName() {
        IllegalArgumentException call = assertThrows(IllegalArgumentException.class,
                () -> config.withCallTimeout(Duration.ZERO));
        assertEquals("callTimeout must be positive, was 0 ms", call.getMessage());
        IllegalArgumentException attempt = assertThrows(IllegalArgumentException.class,
                () -> config.withAttemptTimeout(Duration.ofMillis(-5)));
        assertEquals("attemptTimeout must be positive, was -5 ms", attempt.getMessage());
    }

    @Test
    void noControllersIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClientConfig.of(List.of()));
        assertEquals("controllers is empty: at least one controller address is needed", e.getMessage());
    }

    @Test
    void aBadControllerAddressIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClientConfig.of(List.of("localhost")));
        assertEquals("not a host:port address: \"localhost\"", e.getMessage());
    }
}
