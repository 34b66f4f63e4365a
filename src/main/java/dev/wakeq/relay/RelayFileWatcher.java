package dev.wakeq.relay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Re-reads the relay file when its content changes (content, not time stamps: a Secret volume swaps a symlink).
 * A rejected file is reported once per distinct content, and the last good setup stays in force.
 */
final class RelayFileWatcher {

    private static final Logger LOG = Logger.getLogger(RelayFileWatcher.class.getName());

    private final Path file;
    private final Consumer<RelaySetup> apply;
    private byte[] lastDigest;

    RelayFileWatcher(Path file, Consumer<RelaySetup> apply) {
        this.file = file;
        this.apply = apply;
    }

    /** The file's setup now; fails with a message safe to log when it is missing or unusable. */
    static RelaySetup read(Path file) throws IOException, RelayFileParser.InvalidRelayFileException {
        return RelayFileParser.parse(Files.readAllBytes(file));
    }

    /** Remembers the content the relay started with, so the first check applies nothing. */
    void started(byte[] content) {
        lastDigest = sha256(content);
    }

    synchronized void check() {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            // A read racing the symlink swap can fail; the next check sees the settled file.
            return;
        }
        byte[] digest = sha256(content);
        if (Arrays.equals(digest, lastDigest)) {
            return;
        }
        lastDigest = digest;
        try {
            RelaySetup setup = RelayFileParser.parse(content);
            apply.accept(setup);
            LOG.info("relay file " + file + " loaded: " + setup.tenants().size() + " tenant(s)");
        } catch (RelayFileParser.InvalidRelayFileException e) {
            LOG.warning("relay file " + file + " rejected, keeping the current setup: " + e.getMessage());
        }
    }

    private static byte[] sha256(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
