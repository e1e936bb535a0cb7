package io.shardkv.rpc.tls;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * What a certificate's holder may do, from least to most: each role may do everything the roles
 * before it may. A certificate carries its role in its subject's OU.
 */
public enum Role {
    /** Reads: gets, the configuration, status. */
    READONLY("readonly"),
    /** Reads and writes of keys. */
    READWRITE("readwrite"),
    /** Configuration and membership changes, leader transfers, backups. */
    ADMIN("admin"),
    /** A replica of the cluster: Raft traffic between peers and shard migration, besides everything else. */
    SERVER("server");

    private final String title;

    Role(String title) {
        this.title = title;
    }

    /** The role's name as certificates and messages spell it. */
    public String title() {
        return title;
    }

    /** Whether this role may do what {@code needed} may. */
    public boolean includes(Role needed) {
        return compareTo(needed) >= 0;
    }

    /** The role named {@code title}; an IllegalArgumentException listing the roles if there is none. */
    public static Role ofTitle(String title) {
        for (Role role : values()) {
            if (role.title.equals(title)) {
                return role;
            }
        }
        throw new IllegalArgumentException("unknown role \"" + title + "\"; the roles are "
                + Arrays.stream(values()).map(Role::title).collect(Collectors.joining(", ")));
    }
}
