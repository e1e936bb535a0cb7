package io.shardkv.linearizability;

import static io.shardkv.linearizability.KvInput.cas;
import static io.shardkv.linearizability.KvInput.delete;
import static io.shardkv.linearizability.KvInput.get;
import static io.shardkv.linearizability.KvInput.put;
import static io.shardkv.linearizability.KvOutput.ABSENT;
import static io.shardkv.linearizability.KvOutput.NO_KEY;
import static io.shardkv.linearizability.KvOutput.OK;
import static io.shardkv.linearizability.KvOutput.SWAPPED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The value types and the model's state; the search's correctness rests on their equality. */
class KvModelTest {

    @Test
    void bytesHaveValueEqualityAndPrintReadably() {
        assertEquals(Bytes.of("ab"), Bytes.of(new byte[] {'a', 'b'}));
        assertEquals(Bytes.of("ab").hashCode(), Bytes.of(new byte[] {'a', 'b'}).hashCode());
        assertEquals("\"a\\\"b\"", Bytes.of("a\"b").toString());
        assertEquals("0x00ff", Bytes.of(new byte[] {0, (byte) 0xff}).toString());
        assertEquals("\"aaaaaaaaaaaaaaaaaaaa...aaaaaaaaaaaaaaaaaaaa (100 chars)\"",
                Bytes.of("a".repeat(100)).toString());
        assertEquals(-1, Integer.signum(Bytes.of(new byte[] {1}).compareTo(Bytes.of(new byte[] {(byte) 0x80}))));
    }

    @Test
    void bytesAreCopiedInAndOut() {
        byte[] raw = {1, 2};
        Bytes b = Bytes.of(raw);
        raw[0] = 9;
        b.toByteArray()[1] = 9;
        assertEquals(Bytes.of(new byte[] {1, 2}), b);
    }

    @Test
    void operationRejectsAnOutputItsInputCannotReport() {
        assertThrows(IllegalArgumentException.class, () -> Operation.completed(1, put("x", "a"), ABSENT, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> Operation.completed(1, get("x"), OK, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> Operation.completed(1, delete("x"), SWAPPED, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> Operation.completed(1, cas("x", null, "a"), NO_KEY, 0, 1));
    }

    @Test
    void operationRejectsReturningBeforeItsInvocation() {
        assertThrows(IllegalArgumentException.class, () -> Operation.completed(1, get("x"), ABSENT, 10, 9));
    }

    @Test
    void appendedStateEqualsTheSameValueWrittenWhole() {
        KeyState built = KeyState.ABSENT.append(state("ab")).append(state("")).append(state("cd"));
        assertEquals(state("abcd"), built);
        assertEquals(state("abcd").hashCode(), built.hashCode());
        assertEquals("\"abcd\"", built.toString());
        assertNotEquals(state("abdc"), built);
        assertNotEquals(state("abc"), built);
    }

    @Test
    void absentDiffersFromTheEmptyValue() {
        assertNotEquals(KeyState.ABSENT, state(""));
        assertNotEquals(state(""), KeyState.ABSENT);
        assertEquals(state(""), KeyState.ABSENT.append(state("")));
    }

    private static KeyState state(String s) {
        return KeyState.of(Bytes.of(s));
    }
}
