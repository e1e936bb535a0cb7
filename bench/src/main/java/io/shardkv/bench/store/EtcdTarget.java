package io.shardkv.bench.store;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * etcd through its official Java client, jetcd: puts, linearizable gets (jetcd's default) and a
 * transaction for compare-and-set. {@code connections} clients, each its own gRPC channel.
 */
final class EtcdTarget implements Target {

    private final List<Client> clients = new ArrayList<>();
    private final List<KV> kvs = new ArrayList<>();
    private final AtomicInteger next = new AtomicInteger();
    private final String description;

    EtcdTarget(List<String> endpoints, int connections) {
        List<String> urls = endpoints.stream().map(e -> e.contains("://") ? e : "http://" + e).toList();
        for (int i = 0; i < connections; i++) {
            Client c = Client.builder().endpoints(urls.toArray(String[]::new)).build();
            clients.add(c);
            kvs.add(c.getKVClient());
        }
        this.description = "etcd (endpoints " + String.join(",", urls) + ")";
    }

    private KV kv() {
        return kvs.get(Math.floorMod(next.getAndIncrement(), kvs.size()));
    }

    @Override
    public CompletableFuture<Void> read(byte[] key) {
        return kv().get(ByteSequence.from(key)).thenApply(r -> null);
    }

    @Override
    public CompletableFuture<Void> write(byte[] key, byte[] value) {
        return kv().put(ByteSequence.from(key), ByteSequence.from(value)).thenApply(r -> null);
    }

    @Override
    public CompletableFuture<Boolean> compareAndSet(byte[] key, byte[] expected, byte[] value) {
        ByteSequence k = ByteSequence.from(key);
        Cmp condition = expected == null
                ? new Cmp(k, Cmp.Op.EQUAL, CmpTarget.version(0))
                : new Cmp(k, Cmp.Op.EQUAL, CmpTarget.value(ByteSequence.from(expected)));
        return kv().txn().If(condition).Then(Op.put(k, ByteSequence.from(value), PutOption.DEFAULT)).commit()
                .thenApply(r -> r.isSucceeded());
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        clients.forEach(Client::close);
    }
}
