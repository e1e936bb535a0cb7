package io.shardkv.cli;

import com.sun.net.httpserver.HttpExchange;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * A replica's operations port: {@code /metrics} (Prometheus), {@code /livez} and {@code /readyz}
 * (200 when passing, 503 with the failed checks otherwise; the body lists every check). Anything
 * else is 404. The Dockerfile's HEALTHCHECK, compose and the Kubernetes probes use it.
 */
final class OpsServer implements AutoCloseable {

    private final HTTPServer http;

    private OpsServer(HTTPServer http) {
        this.http = http;
    }

    static OpsServer start(InetAddress address, int port, PrometheusRegistry registry, Probes probes) throws IOException {
        HTTPServer http = HTTPServer.builder().inetAddress(address).port(port).registry(registry)
                // Its own health answer is always OK, which is what the probes exist to replace.
                .registerHealthHandler(false)
                .defaultHandler(exchange -> {
                    try (exchange) {
                        switch (exchange.getRequestURI().getPath()) {
                            case "/livez" -> answer(exchange, probes::live);
                            case "/readyz" -> answer(exchange, probes::ready);
                            default -> write(exchange, 404, "no such path: try /metrics, /livez or /readyz\n");
                        }
                    }
                })
                .buildAndStart();
        return new OpsServer(http);
    }

    private static void answer(HttpExchange exchange, Supplier<Probes.Result> probe) throws IOException {
        Probes.Result r = probe.get();
        write(exchange, r.passed() ? 200 : 503, r.render());
    }

    private static void write(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    int port() {
        return http.getPort();
    }

    @Override
    public void close() {
        http.close();
    }
}
