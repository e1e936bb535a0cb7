package io.shardkv.kv;

import io.shardkv.linearizability.Bytes;
import io.shardkv.linearizability.KvOutput;
import io.shardkv.rpc.kv.KvOp;
import io.shardkv.rpc.kv.KvResponse;
import io.shardkv.rpc.kv.KvStatus;

/** What a server's answer means for the linearizability checker's history, for every clerk of the tests. */
public final class KvOutputs {

    private KvOutputs() {
    }

    public static KvOutput of(KvOp op, KvResponse r) {
        return switch (op) {
            case GET -> r.status() == KvStatus.OK ? KvOutput.value(Bytes.of(r.value())) : KvOutput.ABSENT;
            case PUT, APPEND -> KvOutput.OK;
            case DELETE -> r.status() == KvStatus.OK ? KvOutput.OK : KvOutput.NO_KEY;
            case CAS -> KvOutput.casResult(r.status() == KvStatus.OK);
            case GET_AND_PUT, PUT_IF_PRESENT, GET_AND_DELETE, INCREMENT, MULTI_PUT, MULTI_DELETE, MULTI_GET,
                 MULTI_PUT_IF_ABSENT ->
                    throw new IllegalArgumentException("the checker has no model of " + op + " yet");
        };
    }
}
