package io.shardkv.rpc.codec;

import com.esotericsoftware.kryo.Kryo;

import java.util.List;

/**
 * A Kryo instance that only knows registered classes, never resolves class names, replaces Kryo's
 * unbounded stock {@code String} serializer by a bounded one, and limits object nesting so that a
 * crafted body cannot exhaust the stack.
 *
 * <p>Not thread-safe, like every Kryo: {@link Codec} pools instances.
 */
final class StrictKryo extends Kryo {

    /** Kryo's own registration id for {@code String} (its ids 0–8 are primitives and String). */
    static final int STRING_ID = 1;
    /** Built-in id for {@code byte[]}. */
    static final int BYTES_ID = 9;

    StrictKryo(List<TypeRegistration> registrations, int maxDepth) {
        super(new StrictClassResolver(), null);
        setRegistrationRequired(true);
        setReferences(false);
        setMaxDepth(maxDepth);
        register(String.class, Serializers.string(), STRING_ID);
        register(byte[].class, Serializers.bytes(), BYTES_ID);
        for (TypeRegistration registration : registrations) {
            register(registration.type(), registration.serializer(), registration.id());
        }
    }

    @Override
    @SuppressWarnings("rawtypes") // the signature is Kryo's
    protected String unregisteredClassMessage(Class type) {
        return "class " + type.getName() + " is not registered with this codec"
                + " (registration is required: add it to a CodecModule)";
    }
}
