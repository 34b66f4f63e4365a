package dev.wakeq.testbed.node;

import java.nio.file.Path;

/** What the real node runs: the image tarballs scripts/images.sh builds and the function library for its database. */
public final class Images {

    private Images() {
    }

    public static Path projectDir() {
        return Path.of(System.getProperty("wakeq.project.dir", ".")).toAbsolutePath();
    }

    /** The project version: the wakeq image's tag, as the chart's appVersion names it. */
    public static String version() {
        return System.getProperty("wakeq.project.version", "0.1.0");
    }

    public static String udfVersion() {
        return System.getProperty("wakeq.udf.version", "v1");
    }

    /** The reference the chart and the WorkerPools name. */
    public static String wakeqImage() {
        return "ghcr.io/wakeq/wakeq:" + version();
    }

    static Path wakeq() {
        return projectDir().resolve("target/images/wakeq-" + version() + ".tar");
    }

    static Path udf() {
        return projectDir().resolve("target/images/wakeq-udf-" + udfVersion() + ".tar");
    }

    static Path udfLibrary() {
        return projectDir().resolve("udf-image/build/libwakeq_notify_" + udfVersion() + ".so");
    }
}
