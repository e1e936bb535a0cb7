package io.shardkv.redis.resp;

/** Bytes that are not a RESP command; the message is what Redis says after "Protocol error: ". */
public final class RespProtocolException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RespProtocolException(String message) {
        super(message, null, false, false);
    }
}
