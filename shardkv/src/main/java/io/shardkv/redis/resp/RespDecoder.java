package io.shardkv.redis.resp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a client's byte stream into commands, as Redis reads them: an array of bulk strings
 * ({@code *2\r\n$3\r\nGET\r\n$3\r\nkey\r\n}) or an inline line ({@code GET key\r\n}). Every part is
 * bounded ({@link RespLimits}) and a command's bytes are held only as they arrive, so a client that
 * announces a huge array or bulk costs nothing until it sends it. Input that is not RESP is a
 * {@link RespProtocolException} with Redis's words for it; after one the rest of the stream is
 * discarded (the connection answers the error and closes).
 *
 * <p>The bytes held for a command not yet complete (its arguments so far and the bytes buffered)
 * are also taken from the server's {@link RespBudget}; the connection whose bytes it cannot hold
 * fails the same way, so no number of connections buffers more than the budget.
 */
public final class RespDecoder extends ByteToMessageDecoder {

    /** Java's cost of an argument beside its bytes: the array's header and its reference in the list. */
    static final int ARGUMENT_OVERHEAD = 24;

    private final RespLimits limits;
    /** Arguments of the array being read; null between commands. */
    private List<byte[]> args;
    private int expectedArgs;
    /** Length of the bulk string being read, or -1 if its header is next. */
    private int bulkLength = -1;
    private long commandBytes;
    /** Bytes of the arguments of the array being read, with what each costs beside its bytes. */
    private long argBytes;
    private boolean failed;
    private final RespBudget budget;
    /** Bytes of the budget this connection holds: what it held after the last read. */
    private long reserved;

    public RespDecoder(RespLimits limits, RespBudget budget) {
        this.limits = limits;
        this.budget = budget;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        super.channelRead(ctx, msg);
        long held = failed ? 0 : argBytes + internalBuffer().readableBytes();
        if (held == reserved) {
            return;
        }
        if (budget.reserve(held - reserved)) {
            reserved = held;
            return;
        }
        failed = true;
        args = null;
        argBytes = 0;
        internalBuffer().skipBytes(internalBuffer().readableBytes());
        budget.reserve(-reserved);
        reserved = 0;
        ctx.fireExceptionCaught(new DecoderException(new RespProtocolException("the server's connections together"
                + " may hold at most " + budget.max() + " bytes of commands not yet complete; this one would pass it")));
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        budget.reserve(-reserved);
        reserved = 0;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            while (in.isReadable()) {
                List<byte[]> command = args == null ? startCommand(in) : continueArray(in);
                if (command == null) {
                    return;
                }
                if (!command.isEmpty()) {
                    out.add(command);
                }
            }
        } catch (RespProtocolException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    /** Reads the start of a command; null if more bytes are needed. An empty list: nothing to run. */
    private List<byte[]> startCommand(ByteBuf in) {
        if (in.getByte(in.readerIndex()) != '*') {
            return inline(in);
        }
        String header = line(in, limits.maxHeaderBytes(), "too big mbulk count string");
        if (header == null) {
            return null;
        }
        long count = number(header.substring(1), "invalid multibulk length");
        if (count > limits.maxArguments()) {
            throw new RespProtocolException("invalid multibulk length");
        }
        if (count <= 0) {
            return List.of();
        }
        args = new ArrayList<>((int) Math.min(count, 1024));
        expectedArgs = (int) count;
        commandBytes = 0;
        argBytes = 0;
        return continueArray(in);
    }

    private List<byte[]> continueArray(ByteBuf in) {
        while (args.size() < expectedArgs) {
            if (bulkLength < 0) {
                if (!in.isReadable()) {
                    return null;
                }
                byte first = in.getByte(in.readerIndex());
                if (first != '$') {
                    throw new RespProtocolException("expected '$', got '" + printable(first) + "'");
                }
                String header = line(in, limits.maxHeaderBytes(), "too big bulk count string");
                if (header == null) {
                    return null;
                }
                long length = number(header.substring(1), "invalid bulk length");
                if (length < 0 || length > limits.maxBulkBytes()) {
                    throw new RespProtocolException("invalid bulk length");
                }
                commandBytes += length;
                if (commandBytes > limits.maxCommandBytes()) {
                    throw new RespProtocolException("command of more than " + limits.maxCommandBytes() + " bytes");
                }
                bulkLength = (int) length;
            }
            if (in.readableBytes() < bulkLength + 2L) {
                return null;
            }
            byte[] arg = new byte[bulkLength];
            in.readBytes(arg);
            if (in.readByte() != '\r' || in.readByte() != '\n') {
                throw new RespProtocolException("expected CRLF after a bulk string of " + bulkLength + " bytes");
            }
            args.add(arg);
            argBytes += arg.length + ARGUMENT_OVERHEAD;
            bulkLength = -1;
        }
        List<byte[]> command = args;
        args = null;
        argBytes = 0;
        return command;
    }

    /** An inline command: the line's words. */
    private List<byte[]> inline(ByteBuf in) {
        String text = line(in, limits.maxInlineBytes(), "too big inline request");
        if (text == null) {
            return null;
        }
        List<byte[]> words = new ArrayList<>();
        for (String word : text.trim().split("[ \t]+")) {
            if (!word.isEmpty()) {
                words.add(word.getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        if (words.size() > limits.maxArguments()) {
            throw new RespProtocolException("too many arguments in an inline request");
        }
        return words;
    }

    /**
     * The next line without its line end (CRLF, or LF alone as Redis accepts inline), as Latin-1
     * so every byte survives; null if it has not fully arrived. A line longer than {@code max} is
     * an error even before its end arrives.
     */
    private static String line(ByteBuf in, int max, String tooLong) {
        int start = in.readerIndex();
        int end = in.indexOf(start, start + Math.min(in.readableBytes(), max + 2), (byte) '\n');
        if (end < 0) {
            if (in.readableBytes() > max + 1) {
                throw new RespProtocolException(tooLong);
            }
            return null;
        }
        int contentEnd = end > start && in.getByte(end - 1) == '\r' ? end - 1 : end;
        String text = in.toString(start, contentEnd - start, StandardCharsets.ISO_8859_1);
        in.readerIndex(end + 1);
        return text;
    }

    private static long number(String digits, String error) {
        if (digits.isEmpty() || digits.length() > 19) {
            throw new RespProtocolException(error);
        }
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new RespProtocolException(error);
        }
    }

    private static String printable(byte b) {
        return b >= 0x20 && b < 0x7f ? Character.toString((char) b) : String.format("\\x%02x", b & 0xff);
    }
}
