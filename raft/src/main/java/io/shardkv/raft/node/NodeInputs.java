package io.shardkv.raft.node;

import java.util.function.Consumer;

/**
 * The way into a node's thread: a task submitted here runs later on that thread, between Readies,
 * like every other input. A runtime that cannot run it (stopped, overloaded) rejects it.
 */
@FunctionalInterface
public interface NodeInputs {

    void submit(Task task);

    /** Work for the node's thread, told why if it will never run. */
    interface Task {

        void run();

        /** The task will not run: the node stopped or its inbox is full. */
        void reject(Exception why);
    }

    /** A task that runs {@code run}, or hands the reason it cannot to {@code onReject}. */
    static Task task(Runnable run, Consumer<Exception> onReject) {
        return new Task() {
            @Override
            public void run() {
                run.run();
            }

            @Override
            public void reject(Exception why) {
                onReject.accept(why);
            }
        };
    }
}
