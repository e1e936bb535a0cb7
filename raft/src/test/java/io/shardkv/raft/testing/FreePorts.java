package io.shardkv.raft.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Loopback ports that were free a moment ago, for tests whose processes must know each other's
 * addresses before any of them binds. Holding all sockets until every port is chosen keeps the
 * ports distinct; the window between release and bind is the only race.
 */
public final class FreePorts {

    private FreePorts() {
    }

    public static List<Integer> take(int n) throws IOException {
        List<Integer> ports = new ArrayList<>();
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0);
                held.add(s);
                ports.add(s.getLocalPort());
            }
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
        return ports;
    }
}
