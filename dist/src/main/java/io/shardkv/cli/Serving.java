package io.shardkv.cli;

import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Keeps a server process up until SIGTERM (or SIGINT), then closes it: port, node, storage. */
final class Serving {

    private static final Logger LOG = LoggerFactory.getLogger(Serving.class);

    /** What stops a server; may throw, which is logged. */
    interface Stopper {
        void stop() throws Exception;
    }

    private Serving() {
    }

    static int untilStopped(String what, InetSocketAddress address, Stopper stopper) throws InterruptedException {
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
        LOG.info("{} serving on {} (pid {})", what, address, ProcessHandle.current().pid());
        stopped.await();
        return 0;
    }
}
