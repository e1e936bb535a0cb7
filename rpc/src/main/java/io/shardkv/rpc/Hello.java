package io.shardkv.rpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The handshake frame's body, identical in both directions. Big-endian:
 *
 * <pre>
 * magic        int32   0x53484B56 ("SHKV")
 * version      int16   {@value #VERSION}
 * clusterId    uint8 length + UTF-8 (at most 255 bytes)
 * nodeId       int32   0 = a client, not a cluster member
 * service      uint8 length + UTF-8 (at most 255 bytes): what the sender serves, e.g. "controller"
 *              or "shard-group 100" (see {@link Services}); empty for a client
 * token        uint8 length + UTF-8 (at most 255 bytes): a client's token, sent only over TLS by a
 *              client without a certificate ({@link io.shardkv.rpc.tls.TokenFile}); empty otherwise
 * refusal      uint16 length + UTF-8 (at most {@value #MAX_REFUSAL_BYTES} bytes); empty unless the
 *              accepting side refuses the connection, in which case it says why, then closes
 * </pre>
 *
 * Only magic and version have a fixed place across versions: when either differs, the rest of the
 * body belongs to another protocol and is not parsed.
 */
record Hello(int magic, short version, String clusterId, int nodeId, String service, String token, String refusal) {

    static final int MAGIC = 0x53484B56;
    /** 2 added the service. */
    static final short VERSION = 2;
    static final int MAX_CLUSTER_ID_BYTES = TransportConfig.MAX_CLUSTER_ID_BYTES;
    static final int MAX_REFUSAL_BYTES = 1024;
    static final int MAX_TOKEN_BYTES = 255;

    /** A client's HELLO: this protocol, accepting, serving nothing. */
    static Hello of(String clusterId, int nodeId) {
        return of(clusterId, nodeId, "");
    }

    /** Our own HELLO: this protocol, accepting. */
    static Hello of(String clusterId, int nodeId, String service) {
        return new Hello(MAGIC, VERSION, clusterId, nodeId, service, "", "");
    }

    /** This HELLO carrying {@code secret} as its token. */
    Hello withToken(String secret) {
        return new Hello(magic, version, clusterId, nodeId, service, secret, refusal);
    }

    /** This HELLO, saying why the peer is refused. */
    Hello refusing(String reason) {
        return new Hello(magic, version, clusterId, nodeId, service, "", reason);
    }

    /** Never shows the token: HELLOs appear in log lines and test failures. */
    @Override
    public String toString() {
        return "Hello[magic=" + magic + ", version=" + version + ", clusterId=" + clusterId + ", nodeId=" + nodeId
                + ", service=" + service + ", token=" + (token.isEmpty() ? "none" : "(hidden)") + ", refusal=" + refusal + "]";
    }

    boolean refused() {
        return !refusal.isEmpty();
    }

    /** Why a peer that sent {@code theirs} may not talk to us (who sent this), or null if it may. */
    String mismatch(Hello theirs) {
        if (theirs.magic != magic) {
            return String.format("magic 0x%08X differs from ours 0x%08X", theirs.magic, magic);
        }
        if (theirs.version != version) {
            return "protocol version " + theirs.version + " differs from ours " + version;
        }
        if (!theirs.clusterId.equals(clusterId)) {
            return "cluster id '" + Text.printable(theirs.clusterId) + "' differs from ours '" + clusterId + "'";
        }
        if (theirs.nodeId < 0) {
            return "node id " + theirs.nodeId + " is negative";
        }
        return null;
    }

    /** The complete HELLO frame. */
    ByteBuf encode(ByteBufAllocator alloc) {
        byte[] cluster = Text.utf8(clusterId, MAX_CLUSTER_ID_BYTES);
        byte[] served = Text.utf8(service, Services.MAX_BYTES);
        byte[] secret = Text.utf8(token, MAX_TOKEN_BYTES);
        byte[] reason = Text.utf8(refusal, MAX_REFUSAL_BYTES);
        ByteBuffer body = ByteBuffer.allocate(4 + 2 + 1 + cluster.length + 4 + 1 + served.length + 1 + secret.length
                + 2 + reason.length);
        body.putInt(magic).putShort(version)
                .put((byte) cluster.length).put(cluster)
                .putInt(nodeId)
                .put((byte) served.length).put(served)
                .put((byte) secret.length).put(secret)
                .putShort((short) reason.length).put(reason);
        return Frames.raw(alloc, FrameKind.HELLO, 0, body.array());
    }

    /** Parses a HELLO body, consuming it. */
    static Hello decode(ByteBuf body) {
        require(body, 4 + 2, "magic and version");
        int magic = body.readInt();
        short version = body.readShort();
        if (magic != MAGIC || version != VERSION) {
            body.skipBytes(body.readableBytes());
            return new Hello(magic, version, "", 0, "", "", "");
        }
        require(body, 1, "cluster id length");
        String clusterId = readText(body, body.readUnsignedByte(), "cluster id");
        require(body, 4, "node id");
        int nodeId = body.readInt();
        require(body, 1, "service length");
        String service = readText(body, body.readUnsignedByte(), "service");
        require(body, 1, "token length");
        String token = readText(body, body.readUnsignedByte(), "token");
        require(body, 2, "refusal length");
        int refusalLength = body.readUnsignedShort();
        if (refusalLength > MAX_REFUSAL_BYTES) {
            throw new ProtocolException("malformed HELLO: refusal of " + refusalLength
                    + " bytes exceeds " + MAX_REFUSAL_BYTES);
        }
        String refusal = readText(body, refusalLength, "refusal");
        if (body.isReadable()) {
            throw new ProtocolException("malformed HELLO: " + body.readableBytes() + " unexpected trailing bytes");
        }
        return new Hello(magic, version, clusterId, nodeId, service, token, refusal);
    }

    private static String readText(ByteBuf body, int length, String what) {
        require(body, length, what);
        return body.readCharSequence(length, StandardCharsets.UTF_8).toString();
    }

    private static void require(ByteBuf body, int bytes, String what) {
        if (body.readableBytes() < bytes) {
            throw new ProtocolException("malformed HELLO: " + what + " needs " + bytes + " bytes, "
                    + body.readableBytes() + " left");
        }
    }
}
