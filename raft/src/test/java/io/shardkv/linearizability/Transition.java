package io.shardkv.linearizability;

/**
 * The key/value model's step function for one recorded operation: from a state, either the state
 * after the operation, or "impossible" when the operation could not have reported its recorded
 * output there. An unknown output (a timed-out operation) is possible from every state.
 * Arguments are converted to {@link KeyState}s once, here, rather than on every step of the search.
 */
sealed interface Transition {

    /** The state after the operation, or null if it cannot have produced its recorded output in {@code s}. */
    KeyState apply(KeyState s);

    /**
     * Whether the operation, given its recorded output, leaves the state unchanged wherever it is
     * possible at all: a Get, a Cas that reports NOT_SWAPPED, a Delete that reports NO_KEY. An
     * operation whose output is unknown is never read-only: a timed-out Cas may or may not swap.
     */
    boolean readOnly();

    static Transition of(Operation op) {
        KvInput in = op.input();
        KvOutput out = op.output();
        if (in instanceof KvInput.Get) {
            return new Read(out instanceof KvOutput.Value v ? KeyState.of(v.value()) : KeyState.ABSENT, out == null);
        }
        if (in instanceof KvInput.Put put) {
            return new Write(KeyState.of(put.value()));
        }
        if (in instanceof KvInput.Append append) {
            return new AppendTo(KeyState.of(append.value()));
        }
        if (in instanceof KvInput.Delete) {
            return new Remove(out);
        }
        KvInput.Cas cas = (KvInput.Cas) in;
        return new CompareAndSet(cas.expected() == null ? KeyState.ABSENT : KeyState.of(cas.expected()),
                KeyState.of(cas.newValue()), out);
    }

    /** Get: possible only if it read what the state holds. */
    record Read(KeyState observed, boolean unknown) implements Transition {
        @Override
        public KeyState apply(KeyState s) {
            return unknown || s.equals(observed) ? s : null;
        }

        @Override
        public boolean readOnly() {
            return !unknown;
        }
    }

    /** Put: always possible. */
    record Write(KeyState value) implements Transition {
        @Override
        public KeyState apply(KeyState s) {
            return value;
        }

        @Override
        public boolean readOnly() {
            return false;
        }
    }

    /** Append: always possible; creates the key if absent. */
    record AppendTo(KeyState suffix) implements Transition {
        @Override
        public KeyState apply(KeyState s) {
            return s.append(suffix);
        }

        @Override
        public boolean readOnly() {
            return false;
        }
    }

    /** Delete: OK only if the key existed, NO_KEY only if it did not. */
    record Remove(KvOutput reported) implements Transition {
        @Override
        public KeyState apply(KeyState s) {
            KvOutput actual = s.isAbsent() ? KvOutput.NO_KEY : KvOutput.OK;
            return reported == null || reported == actual ? KeyState.ABSENT : null;
        }

        @Override
        public boolean readOnly() {
            return reported == KvOutput.NO_KEY;
        }
    }

    /** Cas: SWAPPED only if the state was the expected one, NOT_SWAPPED only if it was not. */
    record CompareAndSet(KeyState expected, KeyState replacement, KvOutput reported) implements Transition {
        @Override
        public KeyState apply(KeyState s) {
            boolean matches = s.equals(expected);
            if (reported != null && reported != KvOutput.casResult(matches)) {
                return null;
            }
            return matches ? replacement : s;
        }

        @Override
        public boolean readOnly() {
            return reported == KvOutput.NOT_SWAPPED;
        }
    }
}
