package io.shardkv.redis.resp;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** Writes replies in RESP version 2 or 3, the one the connection chose with HELLO. */
public final class RespEncoder {

    private static final byte[] CRLF = {'\r', '\n'};

    private RespEncoder() {
    }

    public static void write(RespReply reply, int protocol, ByteBuf out) {
        if (reply instanceof RespReply.Simple s) {
            line(out, '+', oneLine(s.text()));
        } else if (reply instanceof RespReply.Error e) {
            line(out, '-', oneLine(e.message()));
        } else if (reply instanceof RespReply.Int i) {
            line(out, ':', Long.toString(i.value()));
        } else if (reply instanceof RespReply.Bulk b) {
            bulk(out, '$', b.bytes());
        } else if (reply instanceof RespReply.Null) {
            out.writeBytes(protocol >= 3 ? new byte[] {'_', '\r', '\n'} : new byte[] {'$', '-', '1', '\r', '\n'});
        } else if (reply instanceof RespReply.Array a) {
            if (a.items() == null) {
                line(out, '*', "-1");
                return;
            }
            line(out, '*', Integer.toString(a.items().size()));
            for (RespReply item : a.items()) {
                write(item, protocol, out);
            }
        } else if (reply instanceof RespReply.Map m) {
            if (protocol >= 3) {
                line(out, '%', Integer.toString(m.keysAndValues().size() / 2));
            } else {
                line(out, '*', Integer.toString(m.keysAndValues().size()));
            }
            for (RespReply item : m.keysAndValues()) {
                write(item, protocol, out);
            }
        } else {
            byte[] text = ((RespReply.Verbatim) reply).text().getBytes(StandardCharsets.UTF_8);
            if (protocol >= 3) {
                byte[] typed = new byte[text.length + 4];
                System.arraycopy("txt:".getBytes(StandardCharsets.US_ASCII), 0, typed, 0, 4);
                System.arraycopy(text, 0, typed, 4, text.length);
                bulk(out, '=', typed);
            } else {
                bulk(out, '$', text);
            }
        }
    }

    private static void line(ByteBuf out, char type, String text) {
        out.writeByte(type);
        out.writeCharSequence(text, StandardCharsets.UTF_8);
        out.writeBytes(CRLF);
    }

    private static void bulk(ByteBuf out, char type, byte[] bytes) {
        line(out, type, Integer.toString(bytes.length));
        out.writeBytes(bytes);
        out.writeBytes(CRLF);
    }

    /** A status or error is one line: a line end inside would end the reply early. */
    private static String oneLine(String text) {
        return text.indexOf('\r') < 0 && text.indexOf('\n') < 0 ? text : text.replace('\r', ' ').replace('\n', ' ');
    }
}
