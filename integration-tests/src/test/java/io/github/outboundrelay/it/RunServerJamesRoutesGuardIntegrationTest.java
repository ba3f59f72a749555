package io.github.outboundrelay.it;

import org.apache.james.JamesServerExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.outboundrelay.server.OutboundRelayServerMain;

/** {@link JamesRoutesGuardContract} on the server ./run starts ({@link OutboundRelayServerMain}), from james-conf. */
class RunServerJamesRoutesGuardIntegrationTest extends JamesRoutesGuardContract {
    @RegisterExtension
    static JamesServerExtension james = OutboundRelayJames.extension(JamesConfFolder.shipped(), OutboundRelayServerMain::createServer);
}
