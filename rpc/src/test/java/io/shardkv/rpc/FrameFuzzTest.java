package io.shardkv.rpc;

import com.esotericsoftware.kryo.io.Output;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.shardkv.rpc.TestTypes.Batch;
import io.shardkv.rpc.TestTypes.Blob;
import io.shardkv.rpc.TestTypes.Color;
import io.shardkv.rpc.TestTypes.Ping;
import io.shardkv.rpc.TestTypes.Tree;
import io.shardkv.rpc.codec.Codec;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Feeds a million random and mutated frames, each on its own server-side connection (the whole
 * inbound pipeline: framing, handshake, Kryo decoding, dispatch). Every input must either be
 * accepted or close its connection with exactly one WARN line naming the reason; nothing may
 * escape the pipeline; and decoding may allocate only in proportion to the bytes received, however
 * large the lengths and counts the input claims. The seed is fixed; {@code -Dfuzz.seed=N} and
 * {@code -Dfuzz.frames=N} explore others.
 */
class FrameFuzzTest {

    private static final long SEED = Long.getLong("fuzz.seed", 0x5348_4B56L);
    private static final int FRAMES = Integer.getInteger("fuzz.frames", 1_000_000);
    /** Small frames keep the run fast; the limits are what matter, not their size. */
    private static final int MAX_FRAME = TransportConfig.MIN_FRAME_BYTES * 16;
    /** Fixed cost of one input: exception, log line, channel teardown. */
    private static final long BASE_ALLOCATION = 64 * 1024;
    /** Inputs during which first uses (class loading, pools filling up) allocate more. */
    private static final int WARM_UP = 10_000;
    private static final long WARM_UP_ALLOCATION = 4 << 20;
    /**
     * Allocation per input byte: decoded objects are larger than their encoding (a 2-byte Ping
     * becomes a record, a String and its array), and the echoed response is encoded again.
     */
    private static final long ALLOCATION_PER_BYTE = 64;

    private static final ByteBufAllocator HEAP = new UnpooledByteBufAllocator(false, true);

    private final Codec codec = TestTypes.codec();
    private final TransportConfig config = TransportConfig.builder(Embedded.CLUSTER).nodeId(1).maxFrameBytes(MAX_FRAME).build();
    private final Random random = new Random(SEED);
    private final byte[] hello = ByteBufUtil.getBytes(Hello.of(Embedded.CLUSTER, 7).encode(Unpooled.buffer().alloc()));
    private long delivered;

    @Test
    void malformedFramesCloseOnlyTheirOwnConnectionAndAllocateInProportion() throws Throwable {
        // On a fresh thread: exceptions then capture a short stack rather than JUnit's, which
        // would make rejecting an input several times slower here than on an event loop.
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread fuzzer = new Thread(() -> {
            try {
                fuzz();
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "fuzzer");
        fuzzer.start();
        fuzzer.join();
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    private void fuzz() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        RpcHandler handler = new RpcHandler() {
            @Override
            public void onMessage(int fromNodeId, Object message) {
                delivered++;
            }

            @Override
            public CompletableFuture<?> onRequest(int fromNodeId, Object request) {
                delivered++;
                return CompletableFuture.completedFuture(request);
            }
        };
        // A connection of its own that sends valid frames throughout: the others' failures must not touch it.
        RecordingHandler bystanderHandler = RecordingHandler.echo();
        EmbeddedChannel bystander = Embedded.handshakenServer(codec, bystanderHandler);
        long bystanderMessages = 0;

        LineCounter log = new LineCounter();
        PrintStream originalErr = System.err;
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        long rejected = 0;
        long accepted = 0;
        long incomplete = 0;
        long maxAllocated = 0;
        int maxAllocatedInput = 0;
        String maxAllocatedKind = "";
        long started = System.nanoTime();
        long allocatedAtStart = threads.getCurrentThreadAllocatedBytes();
        try {
            for (int i = 0; i < FRAMES; i++) {
                Input input = nextInput();
                EmbeddedChannel channel = Embedded.server(config, codec, handler);
                // Unpooled heap buffers: allocation is then counted where it happens, not when a
                // pool happens to take a new chunk.
                channel.config().setAllocator(HEAP);
                if (input.handshakeFirst) {
                    channel.writeInbound(Unpooled.wrappedBuffer(hello));
                    releaseOutbound(channel);
                }
                long linesBefore = log.closing;
                long deliveredBefore = delivered;
                long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
                try {
                    for (ByteBuf chunk : split(input.bytes)) {
                        if (!channel.isOpen()) {
                            chunk.release();
                            continue;
                        }
                        channel.writeInbound(chunk);
                    }
                } catch (Throwable escaped) {
                    throw new AssertionError("input " + i + " (" + input.kind + ", seed " + SEED + ") let "
                            + escaped + " escape: " + ByteBufUtil.hexDump(input.bytes), escaped);
                }
                long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
                if (i >= WARM_UP && allocated > maxAllocated) {
                    maxAllocated = allocated;
                    maxAllocatedInput = input.bytes.length;
                    maxAllocatedKind = input.kind;
                }
                long bound = (i < WARM_UP ? WARM_UP_ALLOCATION : BASE_ALLOCATION) + ALLOCATION_PER_BYTE * input.bytes.length;
                if (allocated > bound) {
                    throw new AssertionError("input " + i + " (" + input.kind + ", " + input.bytes.length
                            + " bytes, seed " + SEED + ") allocated " + allocated + " > " + bound);
                }
                long lines = log.closing - linesBefore;
                if (channel.isOpen()) {
                    assertEquals(0, lines, "input " + i + " (" + input.kind + ") logged but stayed open");
                    if (delivered > deliveredBefore) {
                        accepted++;
                    } else {
                        incomplete++;
                    }
                } else {
                    rejected++;
                    assertEquals(1, lines, "input " + i + " (" + input.kind + ") closed with " + lines + " reason lines");
                }
                if (input.valid) {
                    assertTrue(channel.isOpen(), "valid input " + i + " (" + input.kind + ") was rejected");
                }
                channel.finishAndReleaseAll();
                if (i % 1000 == 0) {
                    bystander.writeInbound(Embedded.frame(FrameKind.MESSAGE, 0, new Ping(i, "still here"), codec));
                    bystanderMessages++;
                }
            }
        } finally {
            System.setErr(originalErr);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long allocatedInTotal = threads.getCurrentThreadAllocatedBytes() - allocatedAtStart;
        System.out.printf("fuzz: seed=%d frames fed=%d rejected=%d accepted=%d incomplete=%d time=%.1fs"
                        + " max allocation per frame after warm-up=%d bytes (%s input of %d bytes) mean allocation per frame"
                        + " (with generating it and a fresh connection)=%d bytes unexpected errors=%d%n",
                SEED, FRAMES, rejected, accepted, incomplete, seconds, maxAllocated, maxAllocatedKind,
                maxAllocatedInput, allocatedInTotal / FRAMES, log.unexpected);
        assertEquals(0, log.unexpected, "exceptions other than protocol errors: " + log.unexpectedLines);
        assertTrue(bystander.isOpen(), "a connection that sent only valid frames was closed");
        assertEquals(bystanderMessages, bystanderHandler.messages().size());
        assertEquals(FRAMES, rejected + accepted + incomplete);
        assertTrue(rejected > FRAMES / 2 && accepted > FRAMES / 20, "the generator lost its balance: rejected="
                + rejected + " accepted=" + accepted);
        bystander.finishAndReleaseAll();
    }

    /** One generated input: the bytes, whether a valid HELLO precedes them, whether they must be accepted. */
    private record Input(String kind, byte[] bytes, boolean handshakeFirst, boolean valid) {
    }

    private Input nextInput() {
        int dice = random.nextInt(100);
        if (dice < 12) {
            return new Input("valid", validFrame(), true, true);
        } else if (dice < 32) {
            return new Input("bit flips", flipBits(validFrame()), true, false);
        } else if (dice < 42) {
            return new Input("truncated", truncate(validFrame()), true, false);
        } else if (dice < 57) {
            return new Input("length tampered", tamperLength(validFrame()), true, false);
        } else if (dice < 65) {
            return new Input("garbage", randomBytes(random.nextInt(300)), random.nextBoolean(), false);
        } else if (dice < 85) {
            return new Input("hostile body", hostileBody(), true, false);
        } else if (dice < 95) {
            return new Input("before handshake", beforeHandshake(), false, false);
        }
        return new Input("merged", merged(), true, false);
    }

    private byte[] validFrame() {
        FrameKind kind = random.nextBoolean() ? FrameKind.MESSAGE : FrameKind.REQUEST;
        long id = kind == FrameKind.REQUEST ? random.nextLong() : 0;
        return frame(kind, id, codec.encode(randomValue(2)));
    }

    private Object randomValue(int depth) {
        return switch (random.nextInt(10)) {
            case 0 -> new Ping(random.nextLong(), randomString(random.nextInt(40)));
            case 1 -> {
                List<Ping> pings = new ArrayList<>();
                for (int i = random.nextInt(30); i > 0; i--) {
                    pings.add(new Ping(random.nextInt(1000), randomString(random.nextInt(5))));
                }
                yield new Batch(pings);
            }
            case 2 -> new Blob(randomBytes(random.nextInt(2000)));
            case 3 -> randomTree(depth + random.nextInt(3));
            case 4 -> Color.values()[random.nextInt(3)];
            case 5 -> randomString(random.nextInt(100));
            case 6 -> randomBytes(random.nextInt(100));
            case 7 -> random.nextInt();
            case 8 -> random.nextLong();
            default -> random.nextBoolean();
        };
    }

    private Tree randomTree(int depth) {
        List<Tree> children = new ArrayList<>();
        if (depth > 0) {
            for (int i = random.nextInt(3); i > 0; i--) {
                children.add(randomTree(depth - 1));
            }
        }
        return new Tree(children);
    }

    private byte[] flipBits(byte[] frame) {
        for (int flips = 1 + random.nextInt(8); flips > 0; flips--) {
            int bit = random.nextInt(frame.length * 8);
            frame[bit / 8] ^= (byte) (1 << (bit % 8));
        }
        return frame;
    }

    private byte[] truncate(byte[] frame) {
        byte[] cut = Arrays.copyOf(frame, random.nextInt(frame.length));
        return random.nextBoolean() ? cut : concat(cut, randomBytes(random.nextInt(40)));
    }

    private byte[] tamperLength(byte[] frame) {
        int length = switch (random.nextInt(8)) {
            case 0 -> Integer.MAX_VALUE;
            case 1 -> Integer.MIN_VALUE + random.nextInt(Integer.MAX_VALUE);
            case 2 -> -1;
            case 3 -> random.nextInt(Frame.HEADER_BYTES);
            case 4 -> MAX_FRAME + 1 + random.nextInt(1000);
            case 5 -> random.nextInt();
            default -> frame.length - Frame.LENGTH_FIELD_BYTES + random.nextInt(17) - 8;
        };
        frame[0] = (byte) (length >>> 24);
        frame[1] = (byte) (length >>> 16);
        frame[2] = (byte) (length >>> 8);
        frame[3] = (byte) length;
        return frame;
    }

    /** Well-framed bodies whose Kryo content claims far more than it holds, or is otherwise hostile. */
    private byte[] hostileBody() {
        int huge = random.nextBoolean() ? Integer.MAX_VALUE : 1 + random.nextInt(Integer.MAX_VALUE);
        byte[] body = switch (random.nextInt(10)) {
            case 0 -> concat(varint(9 + 2), varint(huge));                              // byte[]
            case 1 -> concat(varint(1 + 2), varint(huge));                              // String
            case 2 -> concat(varint(TestTypes.BLOB_ID + 2), varint(huge), randomBytes(random.nextInt(50)));
            case 3 -> concat(varint(TestTypes.BATCH_ID + 2), varint(huge), randomBytes(random.nextInt(50)));
            case 4 -> concat(varint(TestTypes.TREE_ID + 2), varint(huge));
            case 5 -> concat(varint(TestTypes.PING_ID + 2), varint(random.nextInt(100)), varint(huge));
            case 6 -> concat(varint(2 + random.nextInt(Integer.MAX_VALUE - 2)), randomBytes(random.nextInt(20)));
            case 7 -> random.nextBoolean()
                    ? concat(new byte[] {1, 0}, "java.util.ArrayList".getBytes(StandardCharsets.UTF_8)) // class name
                    : new byte[] {0};                                                                  // null
            case 8 -> deepTree(Codec.DEFAULT_MAX_DEPTH + random.nextInt(1000));
            default -> concat(codec.encode(randomValue(1)), randomBytes(1 + random.nextInt(10))); // trailing bytes
        };
        return frame(random.nextBoolean() ? FrameKind.MESSAGE : FrameKind.REQUEST, 1, body);
    }

    /** Trees nested beyond the codec's depth limit: each level is a count of 1. */
    private byte[] deepTree(int depth) {
        Output out = new Output(depth * 2 + 8);
        out.writeVarInt(TestTypes.TREE_ID + 2, true);
        for (int i = 0; i < depth; i++) {
            out.writeVarInt(1, true);
        }
        out.writeVarInt(0, true);
        return out.toBytes();
    }

    private byte[] beforeHandshake() {
        return switch (random.nextInt(5)) {
            case 0 -> validFrame();
            case 1 -> flipBits(hello.clone());
            case 2 -> ByteBufUtil.getBytes(Hello.of(randomString(1 + random.nextInt(20)), random.nextInt())
                    .encode(Unpooled.buffer().alloc()));
            case 3 -> truncate(hello.clone());
            default -> frame(FrameKind.HELLO, 0, randomBytes(random.nextInt(300)));
        };
    }

    private byte[] merged() {
        byte[] all = new byte[0];
        for (int i = random.nextInt(4); i > 0; i--) {
            all = concat(all, validFrame());
        }
        return concat(all, flipBits(validFrame()), validFrame());
    }

    /** The input as it might arrive from a socket: in one to four reads. */
    private List<ByteBuf> split(byte[] bytes) {
        List<ByteBuf> chunks = new ArrayList<>();
        int pieces = 1 + random.nextInt(4);
        int start = 0;
        for (int i = 1; i < pieces && start < bytes.length; i++) {
            int end = start + random.nextInt(bytes.length - start + 1);
            chunks.add(Unpooled.wrappedBuffer(bytes, start, end - start));
            start = end;
        }
        chunks.add(Unpooled.wrappedBuffer(bytes, start, bytes.length - start));
        return chunks;
    }

    private static byte[] frame(FrameKind kind, long id, byte[] body) {
        ByteBuf frame = Frames.raw(ByteBufAllocator.DEFAULT, kind, id, body);
        try {
            return ByteBufUtil.getBytes(frame);
        } finally {
            frame.release();
        }
    }

    private static void releaseOutbound(EmbeddedChannel channel) {
        channel.runPendingTasks();
        Object written;
        while ((written = channel.readOutbound()) != null) {
            io.netty.util.ReferenceCountUtil.release(written);
        }
    }

    private String randomString(int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append((char) (random.nextInt(10) == 0 ? 0x100 + random.nextInt(0x700) : 'a' + random.nextInt(26)));
        }
        return text.toString();
    }

    private byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] varint(int value) {
        Output out = new Output(5);
        out.writeVarInt(value, true);
        return out.toBytes();
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    /** Counts the log lines that report a closed connection, and those that report a bug. */
    private static final class LineCounter extends OutputStream {
        private final List<String> unexpectedLines = new ArrayList<>();
        private byte[] line = new byte[256];
        private int length;
        long closing;
        long unexpected;

        @Override
        public void write(int b) {
            if (b == '\n') {
                endLine();
                return;
            }
            if (length == line.length) {
                line = Arrays.copyOf(line, length * 2);
            }
            line[length++] = (byte) b;
        }

        @Override
        public void write(byte[] bytes, int offset, int count) {
            for (int i = offset; i < offset + count; i++) {
                write(bytes[i]);
            }
        }

        private void endLine() {
            String text = new String(line, 0, length, StandardCharsets.UTF_8);
            length = 0;
            if (text.contains("closing connection from") || text.contains("refusing connection from")) {
                closing++;
            }
            if (text.contains("unexpected exception") || text.startsWith("\tat ")) {
                unexpected++;
                if (unexpectedLines.size() < 10) {
                    unexpectedLines.add(text);
                }
            }
        }
    }
}
