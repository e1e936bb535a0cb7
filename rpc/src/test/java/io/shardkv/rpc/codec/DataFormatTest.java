package io.shardkv.rpc.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The durable formats' checked reads: a bad ordinal or count is named, with what was expected. */
class DataFormatTest {

    @Test
    void anEnumIsReadBackFromItsOrdinal() {
        byte[] bytes = DataFormat.write(out -> out.writeByte(TimeUnit.MINUTES.ordinal()));
        assertEquals(TimeUnit.MINUTES, DataFormat.read(bytes, "time unit",
                in -> DataFormat.readEnum(in, TimeUnit.values(), "time unit")));
    }

    @Test
    void aByteThatIsNoConstantsOrdinalIsMalformed() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> DataFormat.read(new byte[] {(byte) 200},
                "test record", in -> DataFormat.readEnum(in, TimeUnit.values(), "time unit")));
        assertEquals("malformed test record (1 bytes): java.io.IOException: time unit 200 is not one of [NANOSECONDS,"
                + " MICROSECONDS, MILLISECONDS, SECONDS, MINUTES, HOURS, DAYS] (0 to 6)", e.getMessage());
    }

    @Test
    void anOrdinalOutsideTheEnumIsAnIllegalState() {
        assertEquals(TimeUnit.DAYS, DataFormat.enumAt(TimeUnit.values(), 6, "time unit"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> DataFormat.enumAt(TimeUnit.values(), -1, "time unit"));
        assertEquals("time unit -1 is not one of [NANOSECONDS, MICROSECONDS, MILLISECONDS, SECONDS, MINUTES, HOURS,"
                + " DAYS] (0 to 6)", e.getMessage());
    }

    @Test
    void aNegativeCountIsMalformed() {
        byte[] bytes = DataFormat.write(out -> out.writeInt(-3));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> DataFormat.read(bytes, "test record", in -> DataFormat.readCount(in, "entries")));
        assertEquals("malformed test record (4 bytes): " + new IOException("count of entries is -3, expected 0 or more"),
                e.getMessage());
    }
}
