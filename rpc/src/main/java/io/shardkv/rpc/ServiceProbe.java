package io.shardkv.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;

import io.shardkv.rpc.tls.TlsContexts;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Asks one address what it is, by opening a connection and running the handshake as a client,
 * then closing: a quick, blocking check a tool makes before it relies on an address, so that a
 * mistaken address is named at once instead of ending in a timeout.
 */
public final class ServiceProbe {

    /** What an address turned out to be. */
    public sealed interface Answer {
        /** A shardkv server of our cluster that serves {@code service} (see {@link Services}). */
        record Serves(String service) implements Answer {
        }

        /** Nothing can be reached there: the connection was refused, or the name does not resolve. */
        record Unreachable(String reason) implements Answer {
        }

        /** A shardkv server that refused us in the handshake (another cluster, another version, a limit). */
        record Rejected(String reason) implements Answer {
        }

        /** Something that does not speak the shardkv protocol (an HTTP port, another program). */
        record Foreign(String what) implements Answer {
        }

        /** No answer in time: the address may be a busy server, so nothing can be concluded. */
        record Silent(String what) implements Answer {
        }
    }

    private static final int MAX_ANSWER_BYTES = ServerPipeline.HANDSHAKE_MAX_FRAME_BYTES;
    /**
     * A shardkv server answers a HELLO within microseconds; an HTTP server says nothing until it has
     * a line. After this long without an answer the probe ends its line, so an HTTP port answers too.
     */
    private static final Duration NUDGE_AFTER = Duration.ofMillis(250);
    private static final byte[] END_OF_REQUEST = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private ServiceProbe() {
    }

    /**
     * Probes {@code address} as a client with {@code settings} (its cluster id, and TLS if set);
     * connecting and the answer each get {@code timeout}.
     */
    public static Answer probe(InetSocketAddress address, TransportConfig settings, Duration timeout) {
        return probe(address, settings, settings.tls().map(TlsContexts::load).orElse(null), timeout);
    }

    /** The same with the TLS contexts already loaded from {@code settings} (null without TLS), for many probes. */
    public static Answer probe(InetSocketAddress address, TransportConfig settings, TlsContexts contexts,
                               Duration timeout) {
        InetSocketAddress target = address.isUnresolved()
                ? new InetSocketAddress(address.getHostString(), address.getPort()) : address;
        if (target.isUnresolved()) {
            return new Answer.Unreachable("the host name does not resolve");
        }
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        boolean tls = contexts != null;
        try (Socket plain = new Socket()) {
            plain.connect(target, millis);
            plain.setTcpNoDelay(true);
            Socket socket = tls ? secure(plain, target, contexts, settings, millis) : plain;
            Hello ours = Hello.of(settings.clusterId(), 0);
            ByteBuf hello = settings.token().map(ours::withToken).orElse(ours).encode(ByteBufAllocator.DEFAULT);
            try {
                byte[] bytes = new byte[hello.readableBytes()];
                hello.readBytes(bytes);
                socket.getOutputStream().write(bytes);
            } finally {
                hello.release();
            }
            return answer(socket, millis);
        } catch (ConnectException e) {
            return new Answer.Unreachable("connection refused");
        } catch (SocketTimeoutException e) {
            return new Answer.Silent("no answer within " + millis + " ms");
        } catch (EOFException e) {
            return tls ? new Answer.Rejected("TLS: it closed the connection before answering our HELLO: it refused our"
                    + " certificate (from another CA, or expired; its log says which), or it is not a shardkv server")
                    : new Answer.Rejected("it closed the connection without answering our HELLO: if it is a server with"
                    + " TLS on, give --tls-cert, --tls-key and --tls-ca");
        } catch (SSLException e) {
            return new Answer.Rejected("TLS: " + e.getMessage() + " (a server without TLS, or a certificate it or we do"
                    + " not trust)");
        } catch (IOException e) {
            return new Answer.Unreachable(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    private static Socket secure(Socket plain, InetSocketAddress target, TlsContexts contexts, TransportConfig settings,
                                 int millis) throws IOException {
        SSLSocket socket = (SSLSocket) contexts.jdkClient().getSocketFactory()
                .createSocket(plain, target.getHostString(), target.getPort(), true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setProtocols(settings.tls().orElseThrow().protocols().toArray(String[]::new));
        socket.setSSLParameters(parameters);
        socket.setSoTimeout(millis);
        socket.startHandshake();
        return socket;
    }

    private static Answer answer(Socket socket, int millis) throws IOException {
        InputStream in = socket.getInputStream();
        int first = firstByte(socket, millis);
        byte[] prefix = new byte[Frame.LENGTH_FIELD_BYTES];
        prefix[0] = (byte) first;
        System.arraycopy(readFully(in, prefix.length - 1), 0, prefix, 1, prefix.length - 1);
        String text = new String(prefix, StandardCharsets.ISO_8859_1);
        if (text.startsWith("HTTP")) {
            return new Answer.Foreign("it is an HTTP server (it answered \"" + text + firstLine(in) + "\")");
        }
        int length = ((prefix[0] & 0xff) << 24) | ((prefix[1] & 0xff) << 16) | ((prefix[2] & 0xff) << 8) | (prefix[3] & 0xff);
        if (length < Frame.HEADER_BYTES || length > MAX_ANSWER_BYTES) {
            return new Answer.Foreign("it does not speak the shardkv protocol (its answer begins 0x"
                    + HexFormat.of().formatHex(prefix) + ")");
        }
        ByteBuf frame = Unpooled.wrappedBuffer(readFully(in, length));
        if (frame.readByte() != FrameKind.HELLO.code) {
            return new Answer.Foreign("it does not speak the shardkv protocol (it answered without a HELLO)");
        }
        frame.skipBytes(8);
        Hello theirs;
        try {
            theirs = Hello.decode(frame);
        } catch (ProtocolException e) {
            return new Answer.Foreign("it does not speak the shardkv protocol (" + e.getMessage() + ")");
        }
        if (theirs.magic() != Hello.MAGIC) {
            return new Answer.Foreign("it does not speak the shardkv protocol (magic 0x"
                    + Integer.toHexString(theirs.magic()) + ")");
        }
        if (theirs.version() != Hello.VERSION) {
            return new Answer.Rejected("it speaks shardkv protocol version " + theirs.version() + ", not "
                    + Hello.VERSION + ": run the same release on both sides");
        }
        if (theirs.refused()) {
            return new Answer.Rejected(Text.printable(theirs.refusal()));
        }
        return new Answer.Serves(theirs.service());
    }

    /** The answer's first byte; if none comes soon, ends our line (see {@link #NUDGE_AFTER}) and waits the rest. */
    private static int firstByte(Socket socket, int millis) throws IOException {
        int nudge = (int) Math.min(millis, NUDGE_AFTER.toMillis());
        socket.setSoTimeout(nudge);
        int first;
        try {
            first = socket.getInputStream().read();
        } catch (SocketTimeoutException quiet) {
            if (nudge == millis) {
                throw quiet;
            }
            socket.getOutputStream().write(END_OF_REQUEST);
            socket.setSoTimeout(millis - nudge);
            first = socket.getInputStream().read();
        }
        socket.setSoTimeout(millis);
        if (first < 0) {
            throw new EOFException();
        }
        return first;
    }

    private static String firstLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while (line.length() < 80 && (c = in.read()) >= 0 && c != '\r' && c != '\n') {
            line.append(c < 0x20 || c > 0x7e ? '?' : (char) c);
        }
        return line.toString();
    }

    private static byte[] readFully(InputStream in, int n) throws IOException {
        byte[] bytes = in.readNBytes(n);
        if (bytes.length < n) {
            throw new EOFException();
        }
        return bytes;
    }
}
