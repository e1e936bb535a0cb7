package io.shardkv.redis.resp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
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
 */
public final class RespDecoder extends ByteToMessageDecoder {

    private final RespLimits limits;
    /** Arguments of the array being read; null between commands. */
    private List<byte[]> args;
    private int expectedArgs;
    /** Length of the bulk string being read, or -1 if its header is next. */
    private int bulkLength = -1;
    private long commandBytes;
    private boolean failed;

    public RespDecoder(RespLimits limits) {
        this.limits = limits;
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
            bulkLength = -1;
        }
        List<byte[]> command = args;
        args = null;
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
