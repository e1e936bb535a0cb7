package io.shardkv.it;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;

/**
 * Whether the container tests can run. Where Docker is required ({@code SHARDKV_REQUIRE_DOCKER=1},
 * which {@code bin/test} sets whenever it managed to start an engine, and CI always sets), a
 * missing engine fails the test loudly; elsewhere the test is skipped with the one-line reason.
 */
final class DockerRequirement {

    static final String REQUIRED_VARIABLE = "SHARDKV_REQUIRE_DOCKER";

    private DockerRequirement() {
    }

    static void ensure() {
        if (DockerClientFactory.instance().isDockerAvailable()) {
            return;
        }
        String reason = "no Docker engine answers; bin/test installs and starts one (needs root and apt)";
        if ("1".equals(System.getenv(REQUIRED_VARIABLE))) {
            Assertions.fail(reason + " — required here (" + REQUIRED_VARIABLE + "=1)");
        }
        Assumptions.abort(reason);
    }
}
