package io.shardkv.linearizability;

import java.util.Objects;

/**
 * What a client asked of the key/value store: one operation on one key. The checker splits a
 * history by {@link #key()}, because single-key operations on different keys never constrain each
 * other (linearizability is compositional, Herlihy &amp; Wing §3.3).
 */
public sealed interface KvInput permits KvInput.Get, KvInput.Put, KvInput.Append, KvInput.Delete, KvInput.Cas {

    /** The key the operation reads or writes. */
    Bytes key();

    /**
     * Whether {@code output} is something this operation can report: a {@link KvOutput.Value} or
     * {@link KvOutput#ABSENT} for Get, {@link KvOutput#OK} for Put and Append, {@link KvOutput#OK} or
     * {@link KvOutput#NO_KEY} for Delete, {@link KvOutput#SWAPPED} or {@link KvOutput#NOT_SWAPPED} for Cas.
     */
    boolean canReport(KvOutput output);

    /** Reads the key; reports its value or {@link KvOutput#ABSENT}. */
    record Get(Bytes key) implements KvInput {
        /** Rejects a null key. */
        public Get {
            Objects.requireNonNull(key, "key");
        }

        @Override
        public boolean canReport(KvOutput output) {
            return output instanceof KvOutput.Value || output == KvOutput.ABSENT;
        }

        @Override
        public String toString() {
            return "Get(" + key + ")";
        }
    }

    /** Sets the key to {@code value}; reports {@link KvOutput#OK}. */
    record Put(Bytes key, Bytes value) implements KvInput {
        /** Rejects null arguments. */
        public Put {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }

        @Override
        public boolean canReport(KvOutput output) {
            return output == KvOutput.OK;
        }

        @Override
        public String toString() {
            return "Put(" + key + ", " + value + ")";
        }
    }

    /** Appends {@code value} to the key's value, creating the key if absent; reports {@link KvOutput#OK}. */
    record Append(Bytes key, Bytes value) implements KvInput {
        /** Rejects null arguments. */
        public Append {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }

        @Override
        public boolean canReport(KvOutput output) {
            return output == KvOutput.OK;
        }

        @Override
        public String toString() {
            return "Append(" + key + ", " + value + ")";
        }
    }

    /**
     * Removes the key; reports {@link KvOutput#OK} if it existed and {@link KvOutput#NO_KEY} if it did
     * not. A client that cannot tell the two apart has no faithful output to record for a Delete.
     */
    record Delete(Bytes key) implements KvInput {
        /** Rejects a null key. */
        public Delete {
            Objects.requireNonNull(key, "key");
        }

        @Override
        public boolean canReport(KvOutput output) {
            return output == KvOutput.OK || output == KvOutput.NO_KEY;
        }

        @Override
        public String toString() {
            return "Delete(" + key + ")";
        }
    }

    /**
     * Compare-and-set: if the key's value is {@code expected} — or, when {@code expected} is null, if
     * the key is absent — sets it to {@code newValue} and reports {@link KvOutput#SWAPPED}; otherwise
     * changes nothing and reports {@link KvOutput#NOT_SWAPPED}. A failed Cas does not report the
     * current value: the model only needs to know that it differed from {@code expected}.
     */
    record Cas(Bytes key, Bytes expected, Bytes newValue) implements KvInput {
        /** Rejects a null key or new value; a null {@code expected} means "the key is absent". */
        public Cas {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(newValue, "newValue");
        }

        @Override
        public boolean canReport(KvOutput output) {
            return output == KvOutput.SWAPPED || output == KvOutput.NOT_SWAPPED;
        }

        @Override
        public String toString() {
            return "Cas(" + key + ", " + (expected == null ? "absent" : expected) + " -> " + newValue + ")";
        }
    }

    /** A Get of the UTF-8 key. */
    static Get get(String key) {
        return new Get(Bytes.of(key));
    }

    /** A Put of UTF-8 key and value. */
    static Put put(String key, String value) {
        return new Put(Bytes.of(key), Bytes.of(value));
    }

    /** An Append of UTF-8 key and value. */
    static Append append(String key, String value) {
        return new Append(Bytes.of(key), Bytes.of(value));
    }

    /** A Delete of the UTF-8 key. */
    static Delete delete(String key) {
        return new Delete(Bytes.of(key));
    }

    /** A Cas on UTF-8 strings; a null {@code expected} means "only if the key is absent". */
    static Cas cas(String key, String expected, String newValue) {
        return new Cas(Bytes.of(key), expected == null ? null : Bytes.of(expected), Bytes.of(newValue));
    }
}
