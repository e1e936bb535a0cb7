package io.shardkv.rpc.codec;

/**
 * Bytes that do not decode to a registered value (truncated, trailing garbage, an unknown class id,
 * a length larger than the input), or a serializer that failed while encoding.
 */
public final class CodecException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CodecException(String message, Throwable cause) {
        super(message, cause);
    }

    public CodecException(String message) {
        super(message);
    }
}
