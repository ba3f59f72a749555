package io.github.outboundrelay.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The test CA material in {@code tls/}: the peers' certificate for localhost/127.0.0.1, a trust store that trusts it,
 * and an untrusted self-signed certificate.
 */
public final class TestTls {
    private static final char[] PASSWORD = "changeit".toCharArray();
    private static Path trustStoreFile;

    private TestTls() {
    }

    public static String trustStorePassword() {
        return new String(PASSWORD);
    }

    /** The trust store as a file, because the code under test reads trust stores from a path. */
    public static synchronized Path trustStorePath() {
        if (trustStoreFile == null) {
            try (InputStream in = resource("truststore.p12")) {
                trustStoreFile = Files.createTempFile("outbound-relay-test-truststore", ".p12");
                trustStoreFile.toFile().deleteOnExit();
                Files.copy(in, trustStoreFile, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return trustStoreFile;
    }

    public static SSLContext clientContext() {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(load("truststore.p12"));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The server side of a peer whose certificate (for localhost) chains to the test CA. */
    public static SSLContext trustedServerContext() {
        return serverContext(true);
    }

    static SSLContext serverContext(boolean trusted) {
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(load(trusted ? "relay.p12" : "untrusted.p12"), PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes the test James servers' key store (alias {@code james}, CN=localhost, password {@link #trustStorePassword()})
     * to {@code target}: james-conf ships no key of its own.
     */
    public static void writeJamesKeyStore(Path target) {
        try (InputStream in = resource("james.p12")) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static KeyStore load(String name) {
        try (InputStream in = resource(name)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD);
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Cannot load test key store " + name, e);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = TestTls.class.getResourceAsStream("/tls/" + name);
        if (in == null) {
            throw new IllegalStateException("Missing test resource tls/" + name);
        }
        return in;
    }
}
