package io.github.outboundrelay.selfservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.io.File;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;

import org.apache.james.filesystem.api.FileSystem;
import org.junit.jupiter.api.Test;

class SelfServiceServerTest {
    /** james-conf ships no key: the test-only one of testing/ (password changeit). */
    static final File KEY_STORE = new File("../testing/src/main/resources/tls/james.p12");

    @Test
    void aPortInUseIsLoggedAndJamesKeepsRunning() throws Exception {
        FileSystem fileSystem = mock(FileSystem.class);
        when(fileSystem.getFile(anyString())).thenReturn(KEY_STORE);
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            SelfServiceServer server = new SelfServiceServer(configuration(taken.getLocalPort()), fileSystem, null, null, null, null, null, null);

            // Spark's default would System.exit the JVM (this test's JVM: surefire would report it crashed).
            assertTimeoutPreemptively(Duration.ofSeconds(20), server::start);
            server.stop();
        }
    }

    @Test
    void aMissingKeyStoreNamesTheKey() throws Exception {
        FileSystem fileSystem = mock(FileSystem.class);
        when(fileSystem.getFile(anyString())).thenReturn(new File("/nonexistent/keystore"));
        SelfServiceServer server = new SelfServiceServer(configuration(0), fileSystem, null, null, null, null, null, null);

        assertThatThrownBy(server::start).hasMessageStartingWith("'https.keystore'");
    }

    @Test
    void aDisabledSurfaceDoesNotListen() {
        SelfServiceServer server = new SelfServiceServer(SelfServiceConfiguration.disabled(), null, null, null, null, null, null, null);
        server.start();
        assertThatThrownBy(server::port).isInstanceOf(IllegalStateException.class);
        assertThat(KEY_STORE).exists();
    }

    private static SelfServiceConfiguration configuration(int port) {
        return new SelfServiceConfiguration(true, "127.0.0.1", port, "file://conf/keystore", "changeit",
            Duration.ofMinutes(30), 5, 20, Duration.ofMinutes(15), java.util.Optional.empty(), Duration.ofHours(12), 10);
    }
}
