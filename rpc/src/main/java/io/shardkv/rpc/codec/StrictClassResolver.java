package io.shardkv.rpc.codec;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.util.DefaultClassResolver;

/**
 * Resolves class tags read off the wire by registered id only. Kryo's default resolver also
 * accepts a class <em>name</em> tag, which would make it load any class a peer names (and read
 * the name with an unbounded string read); here that tag is a decode error. Unknown ids are
 * already rejected by the default resolver, so nothing unregistered is ever instantiated.
 */
final class StrictClassResolver extends DefaultClassResolver {

    @Override
    protected Registration readName(Input input) {
        throw new KryoException("class names are not accepted on the wire, only registered class ids");
    }
}
