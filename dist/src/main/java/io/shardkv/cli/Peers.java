package io.shardkv.cli;

import io.shardkv.rpc.HostPort;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Parsing of address lists given on the command line. */
final class Peers {

    private Peers() {
    }

    /** {@code 1=host:port,2=host:port,...}: a replica group's members by id. */
    static Map<Integer, InetSocketAddress> byId(String text) {
        Map<Integer, InetSocketAddress> peers = new TreeMap<>();
        for (String part : text.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--peers wants id=host:port,... but got \"" + part + "\"");
            }
            int id;
            try {
                id = Integer.parseInt(part.substring(0, eq).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--peers: \"" + part.substring(0, eq) + "\" is not a replica id");
            }
            if (id < 1) {
                throw new IllegalArgumentException("--peers: replica ids start at 1, got " + id);
            }
            if (peers.put(id, HostPort.parse(part.substring(eq + 1).trim())) != null) {
                throw new IllegalArgumentException("--peers: replica " + id + " is given twice");
            }
        }
        return peers;
    }

    /** {@code GID=host:port,...} options (one per group): the groups' servers by gid, in the order given. */
    static Map<Integer, List<String>> groups(List<String> options) {
        Map<Integer, List<String>> groups = new LinkedHashMap<>();
        for (String g : options) {
            int eq = g.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--group wants GID=HOST:PORT,... but got \"" + g + "\"");
            }
            int gid = gid(g.substring(0, eq));
            if (groups.put(gid, list(g.substring(eq + 1))) != null) {
                throw new IllegalArgumentException("--group: group " + gid + " is given twice");
            }
        }
        return groups;
    }

    /** A group id: a positive number. */
    static int gid(String text) {
        try {
            int gid = Integer.parseInt(text.trim());
            if (gid <= 0) {
                throw new NumberFormatException();
            }
            return gid;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a group id is a positive number, got \"" + text + "\"");
        }
    }

    /** {@code host:port,host:port,...}. */
    static List<String> list(String text) {
        List<String> out = new ArrayList<>();
        for (String part : text.split(",")) {
            out.add(HostPort.format(HostPort.parse(part.trim())));
        }
        return out;
    }
}
