package org.opencdp.local;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The launcher's data directory ({@code .cdp/} by default): the local JWT secret, the embedded
 * PostgreSQL and Kafka data, the logs and the demo workspace's write key. Kept across restarts;
 * {@link #wipe()} empties it for {@code --fresh}.
 */
final class DataDirectory {

    static final String SECRET = "secret";
    static final String ENCRYPTION_KEY = "encryption-key";
    static final String POSTGRES = "postgres";
    static final String KAFKA = "kafka";
    static final String LOGS = "logs";
    static final String DEMO = "demo.json";
    static final String LOCK = "cdp.lock";
    /** Everything {@link #wipe()} removes: only what the launcher writes, nothing else that may be there. */
    private static final List<String> OWNED = List.of(SECRET, ENCRYPTION_KEY, POSTGRES, KAFKA, LOGS, DEMO);

    private final Path root;

    DataDirectory(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    Path root() {
        return root;
    }

    Path postgres() {
        return root.resolve(POSTGRES);
    }

    Path kafka() {
        return root.resolve(KAFKA);
    }

    Path logFile() {
        return root.resolve(LOGS).resolve("platform.log");
    }

    Path demoFile() {
        return root.resolve(DEMO);
    }

    Path secretFile() {
        return root.resolve(SECRET);
    }

    void create() throws IOException {
        Files.createDirectories(root);
    }

    /**
     * Holds {@code cdp.lock} while this JVM runs, so a second {@code ./cdp up} on the same data
     * fails clearly; {@code null} when another process holds it. The lock goes with the process.
     */
    FileLock tryLock() throws IOException {
        FileChannel channel = FileChannel.open(root.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException sameJvm) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
        }
        return lock;
    }

    /** Removes the secret, the databases, the Kafka logs, the logs and the demo workspace file. */
    void wipe() throws IOException {
        for (String name : OWNED) {
            deleteRecursively(root.resolve(name));
        }
    }

    /** The local JWT secret, generated (64 hex characters, file mode 0600) the first time. */
    String secretCreatingIfMissing() throws IOException {
        if (!Files.exists(secretFile())) {
            writeOwnerOnly(secretFile(), HexFormat.of().formatHex(randomBytes(32)));
        }
        return readSecret();
    }

    /**
     * The key activation-service encrypts destination credentials with ({@code
     * cdp.activation.encryption-key}: base64 of 32 random bytes, file mode 0600), generated the first time.
     */
    String encryptionKeyCreatingIfMissing() throws IOException {
        Path file = root.resolve(ENCRYPTION_KEY);
        if (!Files.exists(file)) {
            writeOwnerOnly(file, Base64.getEncoder().encodeToString(randomBytes(32)));
        }
        return Files.readString(file, StandardCharsets.UTF_8).trim();
    }

    /** The local JWT secret; fails with what to do when {@code ./cdp up} never ran here. */
    String readSecret() throws IOException {
        Path file = secretFile();
        if (!Files.isRegularFile(file)) {
            throw new LauncherException("No local secret at " + file + ": run ./cdp up once first");
        }
        String secret = Files.readString(file, StandardCharsets.UTF_8).trim();
        if (secret.getBytes(StandardCharsets.UTF_8).length < 32) {
            throw new LauncherException("The local secret in " + file + " is shorter than 32 bytes; delete it "
                    + "(or run ./cdp up --fresh) to get a new one");
        }
        return secret;
    }

    private void writeOwnerOnly(Path file, String content) throws IOException {
        Files.createDirectories(root);
        Path temporary = Files.createTempFile(root, file.getFileName().toString(), ".tmp");
        restrictToOwner(temporary);
        Files.writeString(temporary, content + "\n", StandardCharsets.UTF_8);
        Files.move(temporary, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static byte[] randomBytes(int count) {
        byte[] random = new byte[count];
        new SecureRandom().nextBytes(random);
        return random;
    }

    private static void restrictToOwner(Path file) throws IOException {
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } else {
            var asFile = file.toFile();
            asFile.setReadable(false, false);
            asFile.setReadable(true, true);
            asFile.setWritable(false, false);
            asFile.setWritable(true, true);
        }
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path each : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(each);
            }
        }
    }
}
