package io.shardkv.it;

/**
 * What the workload needs of a client: register operations on one session, however the cluster
 * is reached. An operation that may or may not have taken effect throws {@link OutcomeUnknown};
 * anything else thrown is a bug the test reports.
 */
interface ClusterSession extends AutoCloseable {

    /** The value, or null if the key has none. */
    String get(String key);

    void put(String key, String value);

    void append(String key, String value);

    /** Writes {@code value} if the key holds {@code expected} (null: no value); whether it did. */
    boolean compareAndSet(String key, String expected, String value);

    @Override
    void close();

    /** The call ended without an outcome (timed out, connection lost, no quorum): it may have taken effect. */
    final class OutcomeUnknown extends RuntimeException {

        private static final long serialVersionUID = 1L;

        OutcomeUnknown(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
