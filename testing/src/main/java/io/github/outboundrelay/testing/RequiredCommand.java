package io.github.outboundrelay.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * A command-line tool that a test runs (swaks, curl, chromedriver...). A test calls {@link #require} before using
 * it, so that a machine without the tool fails the test with what to install, never skips it. Every tool required
 * here is listed in README.md's prerequisites and installed by {@code ./test} (server/'s ReadmePrerequisitesTest
 * reads these calls and checks both).
 */
public final class RequiredCommand {
    private RequiredCommand() {
    }

    /** The tool's path on the {@code PATH}; fails naming the Debian/Ubuntu package to install when it is absent. */
    public static Path require(String command, String debianPackage) {
        return find(command).orElseThrow(() -> new AssertionError("This test runs '" + command + "', which is not on the PATH: "
            + "install the package " + debianPackage + " (./test does when it runs as root, or run: sudo apt-get install -y "
            + debianPackage + ")"));
    }

    static Optional<Path> find(String command) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
            .filter(directory -> !directory.isEmpty())
            .map(directory -> Path.of(directory, command))
            .filter(Files::isExecutable)
            .findFirst();
    }
}
