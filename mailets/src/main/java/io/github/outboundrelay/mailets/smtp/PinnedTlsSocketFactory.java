package io.github.outboundrelay.mailets.smtp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

import com.google.common.net.InetAddresses;

/**
 * TLS for one connection that was opened to an address checked beforehand (see RelayTargetGuard): javax.mail is
 * given that address, never the name, so no second DNS lookup can lead elsewhere, while this factory makes the TLS
 * layer speak to and verify the relay's real host name (SNI, and the certificate checked by the JSSE during the
 * handshake with HTTPS rules: subjectAltName, wildcards). It only layers TLS over a connected socket, which is all
 * javax.mail asks of it for SMTPS and STARTTLS.
 */
final class PinnedTlsSocketFactory extends SSLSocketFactory {
    private final SSLSocketFactory delegate;
    private final String hostName;

    PinnedTlsSocketFactory(SSLSocketFactory delegate, String hostName) {
        this.delegate = delegate;
        this.hostName = hostName;
    }

    @Override
    public Socket createSocket(Socket connected, String ignoredHost, int port, boolean autoClose) throws IOException {
        SSLSocket socket = (SSLSocket) delegate.createSocket(connected, hostName, port, autoClose);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        if (!InetAddresses.isInetAddress(hostName)) {
            parameters.setServerNames(List.of(new SNIHostName(hostName)));
        }
        socket.setSSLParameters(parameters);
        return socket;
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return delegate.getSupportedCipherSuites();
    }

    // Opening connections is not this factory's job: it would connect by name, which is what pinning prevents.

    @Override
    public Socket createSocket() throws IOException {
        throw notOpening();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        throw notOpening();
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        throw notOpening();
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        throw notOpening();
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        throw notOpening();
    }

    private static SocketException notOpening() {
        return new SocketException("Relay TLS only layers over a connection to a checked address");
    }
}
