package io.github.outboundrelay.it;

import org.apache.james.JamesServerExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link JamesRoutesGuardContract} on a stock James 3.8.1 memory server booted from james-conf with the extension. */
class JamesRoutesGuardIntegrationTest extends JamesRoutesGuardContract {
    @RegisterExtension
    static JamesServerExtension james = OutboundRelayJames.extension(JamesConfFolder.shipped());
}
