package io.shardkv.rpc;

import java.net.InetSocketAddress;

/** Server addresses as they travel in configurations and leader hints: {@code host:port}. */
public final class HostPort {

    private HostPort() {
    }

    /**
     * Parses {@code host:port} (an IPv6 host in brackets: {@code [::1]:7000}) into an unresolved
     * address, resolved when connecting.
     *
     * @throws IllegalArgumentException naming the text, if it is not of that form
     */
    public static InetSocketAddress parse(String text) {
        int colon = text == null ? -1 : text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("not a host:port address: \"" + text + "\"");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a host:port address: \"" + text + "\" (bad port)");
        }
        if (port < 1 || port > 65_535 || host.isEmpty()) {
            throw new IllegalArgumentException("not a host:port address: \"" + text + "\" (port 1-65535, non-empty host)");
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    /** The text form {@link #parse} reads. */
    public static String format(InetSocketAddress address) {
        String host = address.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
