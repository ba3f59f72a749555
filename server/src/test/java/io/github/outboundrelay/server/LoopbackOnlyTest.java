package io.github.outboundrelay.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: the server ./run starts listens on loopback only, JMX included (as shipped: on). James 3.8.1's JMX
 * connector used to listen on a random port of every interface besides its registry on 127.0.0.1
 * ({@link LoopbackRmiSockets}).
 */
class LoopbackOnlyTest {
    @TempDir
    Path workingDirectory;

    @RegisterExtension
    final ServerProcesses servers = new ServerProcesses();

    @Test
    void everySocketTheServerListensOnIsLoopbackAndJmxStillAnswers() throws Exception {
        RunPorts ports = RunPorts.free();
        ports.conf().writeInto(workingDirectory);
        ServerProcess james = servers.start(workingDirectory, "run");

        List<InetSocketAddress> listening = ListeningSockets.of(james.pid());
        assertThat(listening).extracting(InetSocketAddress::getPort)
            .contains(ports.smtp(), ports.submission(), ports.imap(), ports.webAdmin(), ports.jmap(), ports.jmx());
        // JMX's connector and the users' page (ephemeral here): more ports than the configured ones.
        assertThat(listening).as(listening.toString()).hasSizeGreaterThan(6);
        assertThat(listening).allSatisfy(socket -> assertThat(socket.getAddress().isLoopbackAddress())
            .as("%s is not a loopback address; the server listens on %s", socket, listening)
            .isTrue());

        // What james-cli does: JMX through the registry on the configured port, with the generated credentials.
        String[] credentials = Files.readString(workingDirectory.resolve("conf/jmxremote.password"), StandardCharsets.UTF_8)
            .trim().split(" ");
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + ports.jmx() + "/jmxrmi");
        try (JMXConnector jmx = JMXConnectorFactory.connect(url, Map.of(JMXConnector.CREDENTIALS, credentials))) {
            assertThat(jmx.getMBeanServerConnection().queryNames(null, null))
                .extracting(Object::toString)
                .anyMatch(name -> name.startsWith("org.apache.james:"));
        }
    }
}
