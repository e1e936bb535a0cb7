package io.shardkv.cli;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a server process up until SIGTERM (or SIGINT), then closes it: port, node, storage. If the
 * replica's Raft node stops on an error, the process exits with {@value #NODE_FAILED} (after the
 * same orderly close) so that its supervisor restarts it from its disk.
 */
final class Serving {

    private static final Logger LOG = LoggerFactory.getLogger(Serving.class);
    /** Exit status when the node failed (EX_SOFTWARE). */
    static final int NODE_FAILED = 70;

    /** What stops a server; may throw, which is logged. */
    interface Stopper {
        void stop() throws Exception;
    }

    private Serving() {
    }

    static int untilStopped(String what, InetSocketAddress address, CompletableFuture<Throwable> failure,
                            Stopper stopper) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("{}: stopping", what);
            try {
                stopper.stop();
            } catch (Exception e) {
                LOG.error("{}: error while stopping: {}", what, e.toString());
            }
            LOG.info("{}: stopped", what);
            stopped.countDown();
        }, "shutdown"));
        // On a thread of its own: the node's thread completes the future, and the shutdown hook's close waits for it.
        failure.thenAcceptAsync(error -> {
            LOG.error("{}: its Raft node failed ({}); exiting with status {} to be restarted", what, error.toString(),
                    NODE_FAILED);
            System.exit(NODE_FAILED);
        }, task -> new Thread(task, "node-failed").start());
        LOG.info("{} serving on {} (pid {})", what, address, ProcessHandle.current().pid());
        stopped.await();
        return 0;
    }
}
