package dev.wakeq.embedded;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * A private MySQL 8.0 under {@code target/<name>} with the wakeq function library in its plugin directory, for the
 * demo and the benchmark. Closing stops the server and deletes its directory.
 */
public final class EmbeddedWithFunction implements AutoCloseable {

    private final LocalMysqld mysql;
    private final Path work;

    private EmbeddedWithFunction(LocalMysqld mysql, Path work) {
        this.mysql = mysql;
        this.work = work;
    }

    public static EmbeddedWithFunction start(String name) throws Exception {
        Path project = Path.of(System.getProperty("wakeq.project.dir", ".")).toAbsolutePath();
        Path library = project.resolve("udf-image/build/libwakeq_notify_v1.so");
        if (!Files.exists(library)) {
            throw new IllegalStateException(library + " is missing: run make -C udf-image (the scripts do)");
        }
        Path work = project.resolve("target").resolve(name);
        MysqlDistribution.deleteTreeQuietly(work);
        Path base = MysqlDistribution.baseDir();
        LocalMysqld mysql = LocalMysqld.start(new LocalMysqld.Spec(LocalMysqld.Flavor.MYSQL,
                base.resolve("bin/mysqld"), base, work, work.resolve("plugin"), List.of()));
        try {
            // Into place by rename, as in production: a server must never see a half-written library.
            Files.copy(library, work.resolve("plugin/.lib.tmp"), StandardCopyOption.REPLACE_EXISTING);
            Files.move(work.resolve("plugin/.lib.tmp"), work.resolve("plugin").resolve(library.getFileName()),
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (Exception e) {
            mysql.close();
            MysqlDistribution.deleteTreeQuietly(work);
            throw e;
        }
        return new EmbeddedWithFunction(mysql, work);
    }

    public LocalMysqld mysql() {
        return mysql;
    }

    @Override
    public void close() throws Exception {
        try {
            mysql.close();
        } finally {
            MysqlDistribution.deleteTreeQuietly(work);
        }
    }
}
