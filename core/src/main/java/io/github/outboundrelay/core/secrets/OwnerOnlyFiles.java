package io.github.outboundrelay.core.secrets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The extension's folder under James's var directory ({@code outbound-relay/}: the sealing key file, the embedded H2
 * store) is its owner's only: 0700, and the key file 0600. On a file system without POSIX permissions these
 * checks do nothing (the admin protects the folder by other means).
 */
public final class OwnerOnlyFiles {
    private static final Logger LOGGER = LoggerFactory.getLogger(OwnerOnlyFiles.class);
    private static final Set<PosixFilePermission> OWNER_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
        PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
        PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private OwnerOnlyFiles() {
    }

    /**
     * Creates {@code directory} (0700) if needed; an existing one that group or others may use is narrowed to its owner,
     * with a warning. The files in it (H2's, which H2 creates with the process's umask) are then out of other users'
     * reach whatever their own modes; the key file's own mode is checked by {@link #requireOwnerOnly}.
     */
    public static void secureDirectory(Path directory) {
        try {
            if (!isPosix(directory)) {
                Files.createDirectories(directory);
                return;
            }
            if (!Files.exists(directory)) {
                Files.createDirectories(directory.toAbsolutePath().getParent());
                Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_DIRECTORY));
                return;
            }
            narrow(directory, OWNER_DIRECTORY);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot make " + directory + " readable by its owner only", e);
        }
    }

    /**
     * @throws IllegalStateException when group or others have any permission on {@code file}: the file holds secrets
     *                               and may have been read, so James does not start until the admin fixed it
     */
    public static void requireOwnerOnly(Path file) {
        try {
            if (!isPosix(file)) {
                return;
            }
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.stream().anyMatch(GROUP_OR_OTHERS::contains)) {
                throw new IllegalStateException(file + " is accessible to other users than its owner ("
                    + PosixFilePermissions.toString(permissions) + "): run 'chmod 600 " + file + "', and rotate the keys "
                    + "(POST /outbound-relay/secrets/rotation) if someone else may have read it");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the permissions of " + file, e);
        }
    }

    private static void narrow(Path path, Set<PosixFilePermission> ownerOnly) throws IOException {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
        if (permissions.stream().anyMatch(GROUP_OR_OTHERS::contains)) {
            Files.setPosixFilePermissions(path, ownerOnly);
            LOGGER.warn("outbound-relay: {} was accessible to other users ({}); now {}", path,
                PosixFilePermissions.toString(permissions), PosixFilePermissions.toString(ownerOnly));
        }
    }

    private static boolean isPosix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
