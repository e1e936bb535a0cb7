package io.shardkv.rpc.ctrler;

/** The controller refused a request (the status says how); nothing was applied. */
public final class ControllerException extends Exception {

    private static final long serialVersionUID = 1L;

    private final CtrlerStatus status;

    public ControllerException(CtrlerStatus status, String message) {
        super(status + (message == null ? "" : ": " + message));
        this.status = status;
    }

    public CtrlerStatus status() {
        return status;
    }
}
