package io.shardkv.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class HostPortTest {

    @Test
    void parsesNamesIpv4AndBracketedIpv6AndFormatsBack() {
        for (String text : new String[] {"127.0.0.1:7000", "node-1.shardkv:65535", "[::1]:1"}) {
            InetSocketAddress a = HostPort.parse(text);
            assertEquals(text, HostPort.format(a));
        }
        assertEquals("::1", HostPort.parse("[::1]:9").getHostString());
    }

    @Test
    void refusesWhatIsNotHostColonPortWithTheTextInTheMessage() {
        for (String bad : new String[] {"", "host", ":80", "host:", "host:0", "host:65536", "host:http", "[]:80"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostPort.parse(bad));
            assertTrue(e.getMessage().contains("\"" + bad + "\""), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> HostPort.parse(null));
    }
}
