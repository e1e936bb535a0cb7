package io.shardkv.it;

import com.github.dockerjava.api.exception.NotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * The server image under test: the project's {@code Dockerfile} over the locally built base image,
 * with the jar this build packaged — built once per test JVM, so the containers never run a stale
 * image.
 */
final class ServerImage {

    static final String BASE_IMAGE = "shardkv-base:17-4";
    private static final String TAG = "shardkv-it:latest";
    private static String built;

    private ServerImage() {
    }

    static synchronized String name() {
        if (built == null) {
            Path root = Path.of(System.getProperty("shardkv.projectDir", "..")).toAbsolutePath().normalize();
            Path jar = root.resolve("dist/target/shardkv.jar");
            Assertions.assertTrue(Files.isRegularFile(jar), jar + " is missing: package the dist module first");
            try {
                DockerClientFactory.instance().client().inspectImageCmd(BASE_IMAGE).exec();
            } catch (NotFoundException e) {
                Assertions.fail("the base image " + BASE_IMAGE + " is missing: run docker/build-base-image.sh"
                        + " (bin/test does)");
            }
            built = new ImageFromDockerfile(TAG, false)
                    .withFileFromPath("Dockerfile", root.resolve("Dockerfile"))
                    .withFileFromPath("dist/target/shardkv.jar", jar)
                    .withBuildArg("BASE_IMAGE", BASE_IMAGE)
                    .get();
        }
        return built;
    }
}
