package io.shardkv.rpc.tls;

/**
 * A request that names the least {@link Role} allowed to make it. Servers check it for every
 * request on a TLS connection; a request type that does not implement this may only come from a
 * cluster member (role server), so a new request type is closed until it says otherwise.
 */
public interface RequiresRole {

    Role requiredRole();

    /** The role {@code request} needs. */
    static Role of(Object request) {
        return request instanceof RequiresRole r ? r.requiredRole() : Role.SERVER;
    }
}
