package io.shardkv.rpc.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.DefaultArraySerializers;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.shardkv.rpc.TestTypes;
import io.shardkv.rpc.TestTypes.Batch;
import io.shardkv.rpc.TestTypes.Blob;
import io.shardkv.rpc.TestTypes.Color;
import io.shardkv.rpc.TestTypes.Ping;
import io.shardkv.rpc.TestTypes.Tree;
import io.shardkv.rpc.TestTypes.Unregistered;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CodecTest {

    private final Codec codec = TestTypes.codec();

    @Test
    void roundTripsBuiltInAndRegisteredTypes() {
        for (Object value : List.of(42, 7L, true, 'x', (short) 3, (byte) -1, 1.5f, 2.5d, "héllo",
                new Ping(9, "nine"), new Batch(List.of(new Ping(1, "a"), new Ping(2, "b"))), Color.BLUE,
                new Tree(List.of(new Tree(List.of()), new Tree(List.of(new Tree(List.of()))))))) {
            assertEquals(value, codec.decode(codec.encode(value)), "round trip of " + value);
        }
        assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) codec.decode(codec.encode(new byte[] {1, 2, 3})));
        assertArrayEquals(new byte[] {4, 5}, ((Blob) codec.decode(codec.encode(new Blob(new byte[] {4, 5})))).data());
        assertNull(codec.decode(codec.encode(null)));
    }

    @Test
    void decodedListsAreUnmodifiable() {
        Batch batch = (Batch) codec.decode(codec.encode(new Batch(List.of(new Ping(1, "a")))));
        assertThrows(UnsupportedOperationException.class, () -> batch.pings().add(new Ping(2, "b")));
    }

    @Test
    void unregisteredClassIsRejectedOnEncode() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> codec.encode(new Unregistered(1)));
        assertTrue(e.getMessage().contains(Unregistered.class.getName() + " is not registered with this codec"),
                e.getMessage());
    }

    @Test
    void failedEncodeAppendsNothing() {
        ByteBuf out = Unpooled.buffer();
        out.writeByte(7);
        assertThrows(IllegalArgumentException.class, () -> codec.encode(new Unregistered(1), out));
        assertEquals(1, out.readableBytes());
    }

    @Test
    void encodingLargerThanTheBufferLimitIsRejected() {
        ByteBuf out = Unpooled.buffer(16, 100);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> codec.encode(new Blob(new byte[500]), out));
        assertTrue(e.getMessage().contains("exceeds the 100 bytes available"), e.getMessage());
        assertEquals(0, out.readableBytes());
    }

    @Test
    void unknownClassIdIsADecodeErrorNeverAnInstance() {
        CodecException e = assertThrows(CodecException.class, () -> codec.decode(varints(1000 + 2)));
        assertTrue(e.getMessage().contains("unregistered class ID: 1000"), e.getMessage());
    }

    @Test
    void classNameTagIsADecodeError() {
        // Tag 1 means "a class name follows" in Kryo's format; here it must never load a class.
        byte[] name = "java.util.ArrayList".getBytes();
        byte[] bytes = new byte[2 + name.length];
        bytes[0] = 1;
        bytes[1] = 0;
        System.arraycopy(name, 0, bytes, 2, name.length);
        CodecException e = assertThrows(CodecException.class, () -> codec.decode(bytes));
        assertTrue(e.getMessage().contains("class names are not accepted"), e.getMessage());
    }

    @Test
    void hugeLengthsAreRejectedBeforeAllocating() {
        // A byte[] (id 9), a String (id 1), a Blob and a Batch each claiming Integer.MAX_VALUE units.
        List<byte[]> attacks = List.of(
                concat(varints(9 + 2), varints(Integer.MAX_VALUE)),
                concat(varints(1 + 2), varints(Integer.MAX_VALUE)),
                concat(varints(TestTypes.BLOB_ID + 2), varints(Integer.MAX_VALUE)),
                concat(varints(TestTypes.BATCH_ID + 2), varints(Integer.MAX_VALUE)),
                concat(varints(TestTypes.TREE_ID + 2), varints(1_000_000)));
        for (byte[] attack : attacks) {
            long allocated = allocatedBytes(() -> assertThrows(CodecException.class, () -> codec.decode(attack)));
            assertTrue(allocated < 1 << 20, "decoding " + attack.length + " bytes allocated " + allocated);
        }
        CodecException e = assertThrows(CodecException.class,
                () -> codec.decode(concat(varints(9 + 2), varints(Integer.MAX_VALUE))));
        assertTrue(e.getMessage().contains("byte array length 2147483647 exceeds the 0 bytes left"), e.getMessage());
    }

    @Test
    void negativeLengthIsRejected() {
        // Five varint bytes encoding 0xFFFFFFFF: -1 as an int.
        byte[] bytes = concat(varints(9 + 2), new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f});
        CodecException e = assertThrows(CodecException.class, () -> codec.decode(bytes));
        assertTrue(e.getMessage().contains("byte array length 4294967295 is out of range"), e.getMessage());
    }

    @Test
    void truncatedAndTrailingBytesAreRejected() {
        byte[] ping = codec.encode(new Ping(1, "hello"));
        for (int cut = 0; cut < ping.length; cut++) {
            byte[] truncated = java.util.Arrays.copyOf(ping, cut);
            assertThrows(CodecException.class, () -> codec.decode(truncated), "cut at " + cut);
        }
        CodecException e = assertThrows(CodecException.class, () -> codec.decode(concat(ping, new byte[] {0})));
        assertTrue(e.getMessage().contains("1 unread bytes after a " + Ping.class.getName()), e.getMessage());
    }

    @Test
    void enumOrdinalOutOfRangeIsRejected() {
        CodecException e = assertThrows(CodecException.class,
                () -> codec.decode(concat(varints(TestTypes.COLOR_ID + 2), varints(3))));
        assertTrue(e.getMessage().contains("ordinal 3 is not a constant of"), e.getMessage());
    }

    @Test
    void nestingDeeperThanTheLimitIsRejected() {
        Codec shallow = Codec.builder().install(new TestTypes()).maxDepth(8).build();
        Tree deep = new Tree(List.of());
        for (int i = 0; i < 20; i++) {
            deep = new Tree(List.of(deep));
        }
        byte[] bytes = codec.encode(deep);
        assertEquals(deep, codec.decode(bytes));
        assertThrows(CodecException.class, () -> shallow.decode(bytes));
    }

    @Test
    void listElementsEncodedInZeroBytesAreRefused() {
        record Empty() {
        }
        Serializer<Empty> nothing = new Serializer<>() {
            @Override
            public void write(Kryo kryo, Output output, Empty object) {
            }

            @Override
            public Empty read(Kryo kryo, Input input, Class<? extends Empty> type) {
                return new Empty();
            }
        };
        record Empties(List<Empty> items) {
        }
        Serializer<Empties> list = new Serializer<>() {
            @Override
            public void write(Kryo kryo, Output output, Empties value) {
                Wire.writeList(kryo, output, value.items(), Empty.class);
            }

            @Override
            public Empties read(Kryo kryo, Input input, Class<? extends Empties> type) {
                return new Empties(Wire.readList(kryo, input, Empty.class));
            }
        };
        Codec withEmpty = Codec.builder().register(40, Empty.class, nothing).register(41, Empties.class, list).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> withEmpty.encode(new Empties(List.of(new Empty()))));
        assertTrue(e.getMessage().contains("encodes to zero bytes"), e.getMessage());
        // A forged count of 3 with 3 bytes left: the first element consumes nothing.
        byte[] forged = concat(varints(41 + 2), varints(3), new byte[] {0, 0, 0});
        CodecException forgedError = assertThrows(CodecException.class, () -> withEmpty.decode(forged));
        assertTrue(forgedError.getMessage().contains("consumed no bytes"), forgedError.getMessage());
    }

    @Test
    void builderRejectsConflictsWithPreciseMessages() {
        Serializer<Ping> ping = new TestTypes.PingSerializer();
        assertMessage("id 5 for " + Ping.class.getName() + " is reserved for built-in types; use 32 or above",
                () -> Codec.builder().register(5, Ping.class, ping));
        assertMessage("id 40 is already registered to " + Ping.class.getName() + "; cannot register " + Blob.class.getName(),
                () -> Codec.builder().register(40, Ping.class, ping).register(40, Blob.class, new BlobBytes()));
        assertMessage(Ping.class.getName() + " is already registered with id 40",
                () -> Codec.builder().register(40, Ping.class, ping).register(41, Ping.class, ping));
        assertMessage("java.lang.String is built in; it needs no registration",
                () -> Codec.builder().register(40, String.class, Serializers.string()));
        assertMessage("java.lang.Runnable is not a concrete class",
                () -> Codec.builder().register(40, Runnable.class, new NoRunnable()));
        assertMessage("Kryo's stock serializer",
                () -> Codec.builder().register(40, long[].class, new DefaultArraySerializers.LongArraySerializer()));
    }

    @Test
    void isSafeToShareBetweenThreads() throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 4; t++) {
            int id = t;
            threads.add(new Thread(() -> {
                try {
                    for (int i = 0; i < 20_000; i++) {
                        Ping ping = new Ping(i, "thread " + id);
                        assertEquals(ping, codec.decode(codec.encode(ping)));
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(List.of(), failures);
    }

    private static void assertMessage(String expected, Runnable action) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action::run);
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }

    private static long allocatedBytes(Supplier<?> action) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        action.get();
        return threads.getCurrentThreadAllocatedBytes() - before;
    }

    /** Kryo's unsigned variable-length encoding of {@code value}. */
    static byte[] varints(int value) {
        Output out = new Output(8);
        out.writeVarInt(value, true);
        return out.toBytes();
    }

    static byte[] concat(byte[]... parts) {
        Output out = new Output(64, -1);
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toBytes();
    }

    private static final class BlobBytes extends Serializer<Blob> {
        @Override
        public void write(Kryo kryo, Output output, Blob object) {
            Wire.writeBytes(output, object.data());
        }

        @Override
        public Blob read(Kryo kryo, Input input, Class<? extends Blob> type) {
            return new Blob(Wire.readBytes(input));
        }
    }

    private static final class NoRunnable extends Serializer<Runnable> {
        @Override
        public void write(Kryo kryo, Output output, Runnable object) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Runnable read(Kryo kryo, Input input, Class<? extends Runnable> type) {
            throw new UnsupportedOperationException();
        }
    }
}
