package io.shardkv.rpc;

/**
 * The server refused a request because the connection's certificate lacks the role it needs; the
 * reason names the operation, the role needed and the role held. Retrying does not help.
 */
public final class PermissionDeniedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String reason;

    /** @param reason the server's words, e.g. "PUT needs role readwrite; the certificate of 'bob' has role readonly" */
    public PermissionDeniedException(String reason) {
        super("PERMISSION_DENIED: " + reason);
        this.reason = reason;
    }

    /** The server's words, without the PERMISSION_DENIED prefix. */
    public String reason() {
        return reason;
    }
}
