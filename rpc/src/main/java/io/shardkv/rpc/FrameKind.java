package io.shardkv.rpc;

/** What a frame carries; the byte after the length prefix. */
enum FrameKind {
    /** Handshake: a fixed binary body (see {@link Hello}), never Kryo. */
    HELLO(1),
    /** One-way message; body = one Kryo value; correlation id 0. */
    MESSAGE(2),
    /** Request; body = one Kryo value; answered by RESPONSE or ERROR with the same correlation id. */
    REQUEST(3),
    /** Successful answer to the REQUEST with the same correlation id; body = one Kryo value. */
    RESPONSE(4),
    /** Failed answer to the REQUEST with the same correlation id; body = a UTF-8 reason. */
    ERROR(5),
    /**
     * Refusal of the REQUEST with the same correlation id: the connection's role may not make it;
     * body = a UTF-8 reason naming the role needed. Never retried.
     */
    DENIED(6);

    private static final FrameKind[] BY_CODE = new FrameKind[DENIED.code + 1];

    static {
        for (FrameKind kind : values()) {
            BY_CODE[kind.code] = kind;
        }
    }

    final byte code;

    FrameKind(int code) {
        this.code = (byte) code;
    }

    /** The kind with this code, or null if there is none. */
    static FrameKind ofCode(byte code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
