package io.shardkv.rpc.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.ByteBufferInput;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.Pool;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Encodes values of registered types to bytes and back, with Kryo, for the wire and for anything
 * else that must read bytes it did not write itself.
 *
 * <p>Every type has an explicit, stable id; an unregistered class is refused when encoding
 * ({@link IllegalArgumentException}) and an unknown id, or a class name, is a decode error: nothing
 * is ever instantiated by name. Built in: Java's primitives and their wrappers (Kryo's ids 0–8),
 * {@code String} (id 1) and {@code byte[]} (id 9), both bounded. Ids below {@link #MIN_USER_ID} are reserved for built-ins.
 *
 * <p>Serializers read untrusted bytes: they must size every allocation through {@link Wire}, be
 * stateless (one instance is shared by all threads) and encode nothing in zero bytes if they may
 * appear in lists. Kryo's stock serializers are refused at registration because they allocate
 * from lengths read off the wire.
 *
 * <p>Thread-safe. Kryo instances are not, so each call borrows one from a pool.
 */
public final class Codec {

    /** The smallest id a module may register; smaller ids are reserved for built-in types. */
    public static final int MIN_USER_ID = 32;
    /** Default limit on how deeply objects may nest inside one value. */
    public static final int DEFAULT_MAX_DEPTH = 64;

    /** Size of the staging buffer between Kryo and the destination {@code ByteBuf}. */
    private static final int STAGING_BUFFER_BYTES = 8 * 1024;
    private static final String STOCK_SERIALIZERS_PACKAGE = "com.esotericsoftware.kryo.serializers.";
    private static final Set<Class<?>> BUILT_IN_TYPES = Set.of(
            int.class, Integer.class, long.class, Long.class, short.class, Short.class, byte.class, Byte.class,
            char.class, Character.class, boolean.class, Boolean.class, float.class, Float.class,
            double.class, Double.class, String.class, byte[].class);

    private final Pool<Session> sessions;

    private Codec(List<TypeRegistration> registrations, int maxDepth) {
        this.sessions = new Pool<>(true, false) {
            @Override
            protected Session create() {
                return new Session(new StrictKryo(registrations, maxDepth));
            }
        };
    }

    /** A builder with only the built-in types registered. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Appends the encoding of {@code value} (null allowed) to {@code out}. The buffer's
     * {@linkplain ByteBuf#maxCapacity() maximum capacity} bounds the encoding; on failure nothing is
     * appended.
     *
     * @throws IllegalArgumentException if {@code value}, or anything inside it, is of an
     *                                  unregistered class, or the encoding does not fit in {@code out}
     * @throws CodecException           if a serializer fails
     */
    public void encode(Object value, ByteBuf out) {
        int start = out.writerIndex();
        Session session = sessions.obtain();
        try {
            session.output.setOutputStream(new ByteBufOutputStream(out));
            session.kryo.writeClassAndObject(session.output, value);
            session.output.flush();
        } catch (IndexOutOfBoundsException e) {
            out.writerIndex(start);
            throw new IllegalArgumentException("the encoding of " + typeName(value) + " exceeds the "
                    + (out.maxCapacity() - start) + " bytes available for it", e);
        } catch (IllegalArgumentException e) {
            out.writerIndex(start);
            throw e;
        } catch (RuntimeException e) {
            out.writerIndex(start);
            throw new CodecException("cannot encode " + typeName(value) + ": " + e.getMessage(), e);
        } finally {
            session.output.setOutputStream(null);
            sessions.free(session);
        }
    }

    /** The encoding of {@code value} as a byte array; see {@link #encode(Object, ByteBuf)}. */
    public byte[] encode(Object value) {
        ByteBuf buffer = Unpooled.buffer();
        encode(value, buffer);
        return ByteBufUtil.getBytes(buffer);
    }

    /**
     * Decodes the readable bytes of {@code in}, which must hold exactly one encoded value, and
     * consumes them. Allocates in proportion to the readable bytes only (see {@link Wire}).
     *
     * @throws CodecException if the bytes are not exactly one value of registered types
     */
    public Object decode(ByteBuf in) {
        int length = in.readableBytes();
        ByteBuffer bytes = in.nioBuffer(in.readerIndex(), length);
        Session session = sessions.obtain();
        try {
            session.input.setBuffer(bytes);
            Object value = session.kryo.readClassAndObject(session.input);
            int trailing = Wire.remaining(session.input);
            if (trailing != 0) {
                throw new CodecException(trailing + " unread bytes after a " + typeName(value)
                        + " in a " + length + "-byte message");
            }
            in.skipBytes(length);
            return value;
        } catch (CodecException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CodecException("cannot decode a " + length + "-byte message: " + e.getMessage(), e);
        } finally {
            session.input.setBuffer(Session.EMPTY);
            sessions.free(session);
        }
    }

    /** Decodes a value encoded by {@link #encode(Object)}; see {@link #decode(ByteBuf)}. */
    public Object decode(byte[] bytes) {
        return decode(Unpooled.wrappedBuffer(bytes));
    }

    private static String typeName(Object value) {
        return value == null ? "null" : value.getClass().getName();
    }

    /** One thread's Kryo with its buffers; borrowed from the pool for one call. */
    private static final class Session {
        static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

        final Kryo kryo;
        final Output output = new Output(STAGING_BUFFER_BYTES);
        final ByteBufferInput input = new ByteBufferInput(EMPTY);

        Session(Kryo kryo) {
            this.kryo = kryo;
        }
    }

    /**
     * Collects registrations and validates each at once, with a message naming the conflict.
     * Modules usually contribute theirs through {@link #install(CodecModule)}.
     */
    public static final class Builder {
        private final Map<Integer, TypeRegistration> byId = new TreeMap<>();
        private final Map<Class<?>, Integer> idByType = new HashMap<>();
        private int maxDepth = DEFAULT_MAX_DEPTH;

        private Builder() {
        }

        /**
         * Registers a concrete class under a stable id with the serializer that reads and writes it.
         *
         * @throws IllegalArgumentException if the id is reserved or taken, the class is already
         *                                  registered, built in, or not concrete, or the serializer
         *                                  is one of Kryo's stock (unbounded) serializers
         */
        public <T> Builder register(int id, Class<T> type, Serializer<T> serializer) {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(serializer, "serializer");
            if (id < MIN_USER_ID) {
                throw new IllegalArgumentException("id " + id + " for " + type.getName()
                        + " is reserved for built-in types; use " + MIN_USER_ID + " or above");
            }
            TypeRegistration taken = byId.get(id);
            if (taken != null) {
                throw new IllegalArgumentException("id " + id + " is already registered to "
                        + taken.type().getName() + "; cannot register " + type.getName());
            }
            Integer existingId = idByType.get(type);
            if (existingId != null) {
                throw new IllegalArgumentException(type.getName() + " is already registered with id " + existingId);
            }
            if (BUILT_IN_TYPES.contains(type)) {
                throw new IllegalArgumentException(type.getName() + " is built in; it needs no registration");
            }
            if (type.isInterface() || (Modifier.isAbstract(type.getModifiers()) && !type.isArray())) {
                throw new IllegalArgumentException(type.getName() + " is not a concrete class; register the"
                        + " classes of the objects actually sent (a value's runtime class is looked up)");
            }
            if (serializer.getClass().getName().startsWith(STOCK_SERIALIZERS_PACKAGE)) {
                throw new IllegalArgumentException("Kryo's stock serializer " + serializer.getClass().getName()
                        + " (for " + type.getName() + ") sizes allocations from lengths read off the wire;"
                        + " use Serializers or write one with Wire's bounded reads");
            }
            byId.put(id, new TypeRegistration(id, type, serializer));
            idByType.put(type, id);
            return this;
        }

        /** Lets {@code module} register its types. */
        public Builder install(CodecModule module) {
            module.registerTypes(this);
            return this;
        }

        /** Limit on how deeply objects may nest inside one value (default {@value Codec#DEFAULT_MAX_DEPTH}). */
        public Builder maxDepth(int depth) {
            if (depth < 1) {
                throw new IllegalArgumentException("maxDepth must be >= 1, was " + depth);
            }
            this.maxDepth = depth;
            return this;
        }

        public Codec build() {
            return new Codec(List.copyOf(byId.values()), maxDepth);
        }
    }
}
