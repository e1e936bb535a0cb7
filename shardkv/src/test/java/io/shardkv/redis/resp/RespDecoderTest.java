package io.shardkv.redis.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RespDecoderTest {

    private static final RespLimits SMALL = new RespLimits(8, 16, 40, 32, 16);

    private final EmbeddedChannel channel = new EmbeddedChannel(new RespDecoder(SMALL, new RespBudget(Long.MAX_VALUE)));

    private void send(String text) {
        channel.writeInbound(Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.ISO_8859_1)));
    }

    /** The commands decoded so far, each as its words. */
    private List<List<String>> commands() {
        List<List<String>> out = new ArrayList<>();
        for (Object o = channel.readInbound(); o != null; o = channel.readInbound()) {
            @SuppressWarnings("unchecked")
            List<byte[]> args = (List<byte[]>) o;
            out.add(args.stream().map(a -> new String(a, StandardCharsets.ISO_8859_1)).toList());
        }
        return out;
    }

    private String refusal(String text) {
        DecoderException e = assertThrows(DecoderException.class, () -> send(text));
        return assertInstanceOf(RespProtocolException.class, e.getCause()).getMessage();
    }

    @Test
    void decodesArraysOfBulkStringsAndPipelinedCommands() {
        send("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n");
        assertEquals(List.of(List.of("GET", "k"), List.of("SET", "k", "")), commands());
    }

    @Test
    void aCommandSplitAnywhereIsTheSameCommand() {
        String command = "*3\r\n$3\r\nSET\r\n$5\r\nk\r\ny1\r\n$4\r\n\u00ff\u0000\r\n\r\n";
        for (char c : command.toCharArray()) {
            send(Character.toString(c));
        }
        assertEquals(List.of(List.of("SET", "k\r\ny1", "\u00ff\u0000\r\n")), commands(), "bulk strings are binary");
    }

    @Test
    void decodesInlineCommandsAsRedisDoes() {
        send("PING\r\nset  k\tv\n\r\n   \r\n");
        assertEquals(List.of(List.of("PING"), List.of("set", "k", "v")), commands(), "blank lines are skipped");
    }

    @Test
    void emptyAndNullArraysRunNothing() {
        send("*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n");
        assertEquals(List.of(List.of("PING")), commands());
    }

    @Test
    void malformedInputIsAProtocolErrorInRedisWords() {
        assertEquals("expected '$', got ':'", refusal("*1\r\n:1\r\n"));
    }

    @Test
    void everyLengthAndCountIsBounded() {
        assertEquals("invalid multibulk length", refusedOnItsOwn("*9\r\n"));
        assertEquals("invalid multibulk length", refusedOnItsOwn("*x\r\n"));
        assertEquals("invalid bulk length", refusedOnItsOwn("*1\r\n$17\r\n"));
        assertEquals("invalid bulk length", refusedOnItsOwn("*1\r\n$-1\r\n"));
        assertEquals("invalid bulk length", refusedOnItsOwn("*1\r\n$9999999999999\r\n"));
        assertEquals("command of more than 40 bytes",
                refusedOnItsOwn("*3\r\n$16\r\n0123456789abcdef\r\n$16\r\n0123456789abcdef\r\n$16\r\n"));
        assertEquals("too big inline request", refusedOnItsOwn("x".repeat(40)));
        assertEquals("too big mbulk count string", refusedOnItsOwn("*" + "1".repeat(20)));
        assertEquals("too big bulk count string", refusedOnItsOwn("*1\r\n$" + "1".repeat(20)));
        assertEquals("expected CRLF after a bulk string of 1 bytes", refusedOnItsOwn("*1\r\n$1\r\nab\r\n"));
        assertEquals("too many arguments in an inline request", refusedOnItsOwn("a b c d e f g h i\r\n"));
    }

    @Test
    void afterAnErrorTheRestOfTheStreamIsDiscarded() {
        refusal("*1\r\n:1\r\n");
        send("*1\r\n$4\r\nPING\r\n");
        assertNull(channel.readInbound(), "nothing after a protocol error runs");
    }

    @Test
    void aHugeAnnouncedBulkCostsOnlyTheBytesSent() {
        RespBudget budget = new RespBudget(Long.MAX_VALUE);
        EmbeddedChannel big = new EmbeddedChannel(new RespDecoder(RespLimits.DEFAULTS, budget));
        big.writeInbound(Unpooled.wrappedBuffer("*1\r\n$1048576\r\nabc".getBytes(StandardCharsets.US_ASCII)));
        assertNull(big.readInbound(), "incomplete");
        assertEquals(3, budget.held(), "what was sent of the bulk, nothing of what it announced");
        big.finishAndReleaseAll();
    }

    @Test
    void connectionsTogetherHoldNoMoreThanTheBudgetOfIncompleteCommands() {
        RespBudget budget = new RespBudget(60);
        // GET's 3 bytes and an argument's overhead, then 4 of a 10-byte bulk buffered.
        String part = "*2\r\n$3\r\nGET\r\n$10\r\n0123";
        long held = 3 + RespDecoder.ARGUMENT_OVERHEAD + 4;
        EmbeddedChannel a = new EmbeddedChannel(new RespDecoder(SMALL, budget));
        a.writeInbound(ascii(part));
        assertEquals(held, budget.held());

        EmbeddedChannel b = new EmbeddedChannel(new RespDecoder(SMALL, budget));
        DecoderException e = assertThrows(DecoderException.class, () -> b.writeInbound(ascii(part)));
        assertTrue(assertInstanceOf(RespProtocolException.class, e.getCause()).getMessage()
                .contains("at most 60 bytes of commands not yet complete"), e.getCause().getMessage());
        assertEquals(held, budget.held(), "the refused connection holds nothing");
        b.writeInbound(ascii("456789\r\n"));
        assertNull(b.readInbound(), "nothing more is read from it");

        a.writeInbound(ascii("456789\r\n"));
        assertEquals(List.of("GET", "0123456789"), words(a.readInbound()), "the first connection goes on");
        assertEquals(0, budget.held(), "a complete command holds nothing");

        EmbeddedChannel c = new EmbeddedChannel(new RespDecoder(SMALL, budget));
        c.writeInbound(ascii(part));
        assertEquals(held, budget.held());
        c.finishAndReleaseAll();
        assertEquals(0, budget.held(), "a connection closed half-way gives its bytes back");
        a.finishAndReleaseAll();
        b.finishAndReleaseAll();
    }

    private static ByteBuf ascii(String text) {
        return Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static List<String> words(Object command) {
        @SuppressWarnings("unchecked")
        List<byte[]> args = (List<byte[]>) command;
        return args.stream().map(arg -> new String(arg, StandardCharsets.US_ASCII)).toList();
    }

    /** The refusal of {@code text} on a connection of its own: a refusal ends its connection. */
    private static String refusedOnItsOwn(String text) {
        return new RespDecoderTest().refusal(text);
    }
}
