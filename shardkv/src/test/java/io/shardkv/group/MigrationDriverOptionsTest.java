package io.shardkv.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Bad migration settings fail when made, saying which setting, its value and the rule. */
class MigrationDriverOptionsTest {

    @Test
    void eachSettingIsCheckedByName() {
        Duration second = Duration.ofSeconds(1);
        assertEquals("chunkBytes must be >= 1, was 0", assertThrows(IllegalArgumentException.class,
                () -> new MigrationDriver.Options(0, second, second)).getMessage());
        assertEquals("pollInterval must be positive, was 0 ms", assertThrows(IllegalArgumentException.class,
                () -> new MigrationDriver.Options(1, Duration.ZERO, second)).getMessage());
        assertEquals("stallTimeout must be positive, was -1000 ms", assertThrows(IllegalArgumentException.class,
                () -> new MigrationDriver.Options(1, second, second.negated())).getMessage());
    }
}
