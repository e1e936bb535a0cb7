package io.shardkv.bench.micro;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.shardkv.raft.core.Entry;
import io.shardkv.raft.core.Message.AppendEntries;
import io.shardkv.raft.transport.RaftWireTypes;
import io.shardkv.rpc.codec.Codec;
import io.shardkv.rpc.kv.KvOp;
import io.shardkv.rpc.kv.KvRequest;
import io.shardkv.rpc.kv.KvWireTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The wire codec on the two hottest messages: a client's 256-byte put, and a leader's
 * AppendEntries carrying 64 such commands. Encoding goes into a reused buffer, as a connection's
 * outbound path does; decoding reads a retained copy of the encoded bytes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBench {

    private Codec codec;
    private KvRequest put;
    private AppendEntries append;
    private ByteBuf out;
    private ByteBuf encodedPut;
    private ByteBuf encodedAppend;

    @Setup
    public void setup() {
        codec = Codec.builder().install(new KvWireTypes()).install(new RaftWireTypes()).build();
        Random r = new Random(1);
        byte[] value = new byte[256];
        r.nextBytes(value);
        put = new KvRequest(42, 1000, 990, KvOp.PUT, "00012345".getBytes(), value, null);
        List<Entry> entries = new ArrayList<>();
        for (int i = 1; i <= 64; i++) {
            byte[] data = new byte[300];
            r.nextBytes(data);
            entries.add(Entry.command(1000 + i, 7, data));
        }
        append = new AppendEntries(1, 2, 7, 1000, 7, entries, 990);
        out = Unpooled.buffer(64 << 10);
        encodedPut = Unpooled.buffer();
        codec.encode(put, encodedPut);
        encodedAppend = Unpooled.buffer();
        codec.encode(append, encodedAppend);
    }

    @TearDown
    public void tearDown() {
        out.release();
        encodedPut.release();
        encodedAppend.release();
    }

    @Benchmark
    public int encodePut() {
        out.clear();
        codec.encode(put, out);
        return out.writerIndex();
    }

    @Benchmark
    public Object decodePut() {
        return codec.decode(encodedPut.duplicate());
    }

    @Benchmark
    public int encodeAppend64() {
        out.clear();
        codec.encode(append, out);
        return out.writerIndex();
    }

    @Benchmark
    public Object decodeAppend64() {
        return codec.decode(encodedAppend.duplicate());
    }
}
