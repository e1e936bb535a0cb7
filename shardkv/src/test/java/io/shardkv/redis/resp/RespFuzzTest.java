package io.shardkv.redis.resp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The transport fuzz run's inputs (random bytes, bit flips, cuts, lengths and counts claimed far
 * beyond what is sent, negative ones) turned into RESP: valid commands — arrays of binary bulk
 * strings and inline lines — and mutations of them, each on a connection of its own and split at
 * random points. A valid input must decode to exactly its arguments; any other must decode, wait
 * for more, or fail with a protocol error — nothing else may escape; and decoding may allocate only
 * in proportion to the bytes received, whatever the input claims. {@code -Dfuzz.seed=N} and
 * {@code -Dfuzz.inputs=N} explore others.
 */
class RespFuzzTest {

    private static final long SEED = Long.getLong("fuzz.seed", 0x5245_5350L);
    private static final int INPUTS = Integer.getInteger("fuzz.inputs", 1_000_000);
    private static final RespLimits LIMITS = new RespLimits(64, 4096, 16384, 1024, 32);
    private static final long BASE_ALLOCATION = 64 * 1024;
    private static final int WARM_UP = 5_000;
    private static final long WARM_UP_ALLOCATION = 4 << 20;
    /** Decoded arguments are copies of the bytes, in lists; the cumulation buffer may be copied as it grows. */
    private static final long ALLOCATION_PER_BYTE = 32;
    private static final ByteBufAllocator HEAP = new UnpooledByteBufAllocator(false, true);

    private final Random random = new Random(SEED);

    private record Input(String kind, byte[] bytes, List<byte[]> expected) {
    }

    @Test
    void malformedRespFailsOnlyItsConnectionAndCostsOnlyWhatWasSent() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long decoded = 0;
        long refused = 0;
        long incomplete = 0;
        long maxAllocated = 0;
        long started = System.nanoTime();
        for (int i = 0; i < INPUTS; i++) {
            Input input = next();
            RespBudget budget = new RespBudget(Long.MAX_VALUE);
            EmbeddedChannel channel = new EmbeddedChannel(new RespDecoder(LIMITS, budget));
            channel.config().setAllocator(HEAP);
            long before = threads.getCurrentThreadAllocatedBytes();
            boolean failed = false;
            try {
                for (byte[] chunk : split(input.bytes())) {
                    channel.writeInbound(Unpooled.wrappedBuffer(chunk));
                }
            } catch (DecoderException e) {
                if (!(e.getCause() instanceof RespProtocolException)) {
                    throw new AssertionError("input " + i + " (" + input.kind() + ", seed " + SEED + ") let " + e
                            + " escape: " + HexFormat.of().formatHex(input.bytes()), e);
                }
                failed = true;
            } catch (RuntimeException e) {
                throw new AssertionError("input " + i + " (" + input.kind() + ", seed " + SEED + ") let " + e
                        + " escape: " + HexFormat.of().formatHex(input.bytes()), e);
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            long bound = (i < WARM_UP ? WARM_UP_ALLOCATION : BASE_ALLOCATION) + ALLOCATION_PER_BYTE * input.bytes().length;
            assertTrue(allocated <= bound, "input " + i + " (" + input.kind() + ", " + input.bytes().length
                    + " bytes, seed " + SEED + ") allocated " + allocated + " > " + bound);
            if (i >= WARM_UP) {
                maxAllocated = Math.max(maxAllocated, allocated);
            }
            List<List<byte[]>> commands = drain(channel);
            if (input.expected() != null) {
                assertTrue(!failed && commands.size() == 1, "valid input " + i + " (" + input.kind() + ") was not"
                        + " decoded as one command: " + HexFormat.of().formatHex(input.bytes()));
                assertEquals(input.expected().size(), commands.get(0).size(), "input " + i);
                for (int a = 0; a < input.expected().size(); a++) {
                    assertArrayEquals(input.expected().get(a), commands.get(0).get(a), "input " + i + ", argument " + a);
                }
            }
            if (failed) {
                refused++;
            } else if (commands.isEmpty()) {
                incomplete++;
            } else {
                decoded++;
            }
            channel.finishAndReleaseAll();
            assertEquals(0, budget.held(), "input " + i + " (" + input.kind() + ") left bytes reserved after its"
                    + " connection closed: " + HexFormat.of().formatHex(input.bytes()));
        }
        System.out.printf("fuzz: RESP seed=%d inputs=%d refused=%d decoded=%d incomplete=%d time=%.1fs"
                        + " max allocation per input after warm-up=%d bytes%n", SEED, INPUTS, refused, decoded, incomplete,
                (System.nanoTime() - started) / 1e9, maxAllocated);
        assertTrue(refused > INPUTS / 5 && decoded > INPUTS / 5, "the generator lost its balance: refused=" + refused
                + " decoded=" + decoded);
    }

    private static List<List<byte[]>> drain(EmbeddedChannel channel) {
        List<List<byte[]>> out = new ArrayList<>();
        for (Object o = channel.readInbound(); o != null; o = channel.readInbound()) {
            @SuppressWarnings("unchecked")
            List<byte[]> args = (List<byte[]>) o;
            out.add(args);
        }
        return out;
    }

    private Input next() {
        int kind = random.nextInt(10);
        List<byte[]> args = randomArgs();
        byte[] valid = multibulk(args);
        return switch (kind) {
            case 0, 1 -> new Input("valid array", valid, args);
            case 2 -> inline();
            case 3 -> new Input("random bytes", randomBytes(random.nextInt(200)), null);
            case 4 -> new Input("bit flips", flip(valid), null);
            case 5 -> new Input("cut short", Arrays.copyOf(valid, random.nextInt(valid.length)), null);
            case 6 -> new Input("huge array count", ("*" + (LIMITS.maxArguments() + 1 + random.nextInt(1 << 30)) + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII), null);
            case 7 -> new Input("huge bulk length", ("*1\r\n$" + (LIMITS.maxBulkBytes() + 1 + random.nextInt(1 << 30))
                    + "\r\nabc").getBytes(StandardCharsets.US_ASCII), null);
            case 8 -> new Input("negative or garbled length", ("*2\r\n$" + (random.nextBoolean() ? "-" : "x")
                    + random.nextInt(100) + "\r\n").getBytes(StandardCharsets.US_ASCII), null);
            default -> new Input("array then garbage", concat(valid, randomBytes(1 + random.nextInt(64))), null);
        };
    }

    private Input inline() {
        List<byte[]> words = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (int w = 0; w < 1 + random.nextInt(5); w++) {
            String word = Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
            words.add(word.getBytes(StandardCharsets.US_ASCII));
            line.append(w == 0 ? "" : " ").append(word);
        }
        return new Input("valid inline", (line + "\r\n").getBytes(StandardCharsets.US_ASCII), words);
    }

    private List<byte[]> randomArgs() {
        List<byte[]> args = new ArrayList<>();
        for (int a = 0; a < 1 + random.nextInt(6); a++) {
            args.add(randomBytes(random.nextInt(random.nextInt(10) == 0 ? 2000 : 20)));
        }
        return args;
    }

    private static byte[] multibulk(List<byte[]> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("*" + args.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (byte[] a : args) {
            out.writeBytes(("$" + a.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(a);
            out.writeBytes(new byte[] {'\r', '\n'});
        }
        return out.toByteArray();
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private byte[] flip(byte[] valid) {
        byte[] b = valid.clone();
        for (int f = 0; f < 1 + random.nextInt(3); f++) {
            int at = random.nextInt(b.length);
            b[at] ^= (byte) (1 << random.nextInt(8));
        }
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** The bytes in one to four pieces, cut at random points. */
    private List<byte[]> split(byte[] bytes) {
        List<byte[]> chunks = new ArrayList<>();
        int at = 0;
        int pieces = 1 + random.nextInt(4);
        for (int p = 1; p < pieces && at < bytes.length; p++) {
            int end = at + random.nextInt(bytes.length - at + 1);
            chunks.add(Arrays.copyOfRange(bytes, at, end));
            at = end;
        }
        chunks.add(Arrays.copyOfRange(bytes, at, bytes.length));
        return chunks;
    }
}
