package io.shardkv.client;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.shardkv.rpc.GroupClient;
import io.shardkv.rpc.HostPort;
import io.shardkv.rpc.Transport;
import io.shardkv.rpc.ctrler.Config;
import io.shardkv.rpc.ctrler.ControllerClerk;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where a key goes: the controller's latest configuration, and one {@link GroupClient} per replica
 * group (which remembers that group's leader), both cached with Caffeine. Concurrent calls that
 * find the configuration stale share one controller query.
 */
final class Router implements AutoCloseable {

    private static final String LATEST = "latest";
    private static final Duration RETRY_PAUSE = Duration.ofMillis(50);
    /** A group absent from every recent configuration is forgotten and its connections closed. */
    private static final Duration GROUP_IDLE = Duration.ofMinutes(10);

    private final ControllerClerk controller;
    private final AsyncLoadingCache<String, Config> config;
    private final LoadingCache<List<String>, GroupClient> groups;

    Router(Transport transport, ClientConfig settings) {
        this.controller = new ControllerClerk(transport, settings.controllers(), settings.callTimeout());
        this.config = Caffeine.newBuilder().buildAsync((key, executor) -> controller.query(-1));
        this.groups = Caffeine.newBuilder()
                .expireAfterAccess(GROUP_IDLE)
                .removalListener((List<String> servers, GroupClient group, RemovalCause cause) -> {
                    if (group != null) {
                        group.close();
                    }
                })
                .build(servers -> new GroupClient(transport, servers.stream().map(HostPort::parse).toList(),
                        settings.attemptTimeout(), RETRY_PAUSE));
    }

    /** The cached configuration (the controller's latest, fetched on first use). */
    CompletableFuture<Config> config() {
        return config.get(LATEST);
    }

    /**
     * A configuration newer than {@code stale}, or the controller's latest if it has none newer
     * (the caller then waits and asks again). One query serves every caller asking at once.
     */
    CompletableFuture<Config> newerThan(Config stale) {
        CompletableFuture<Config> cached = config.getIfPresent(LATEST);
        if (cached != null && cached.isDone() && !cached.isCompletedExceptionally() && cached.join().num() > stale.num()) {
            return cached;
        }
        return config.synchronous().refresh(LATEST);
    }

    /** The client for a group's servers ({@code host:port} each, as configurations name them). */
    GroupClient group(List<String> servers) {
        return groups.get(servers);
    }

    @Override
    public void close() {
        groups.invalidateAll();
        groups.cleanUp();
        controller.close();
    }
}
