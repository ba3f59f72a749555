package io.github.outboundrelay.server;

import java.time.Duration;

import io.github.outboundrelay.testing.JamesConfCopy;
import io.github.outboundrelay.testing.SmtpPeer;

/**
 * Free loopback ports in place of james-conf's fixed ones (SMTP 2525, submission 2587, IMAP 1143, WebAdmin 8000,
 * JMAP 8001, JMX 9999), so that a test's {@link ServerProcess} never collides with {@code ./run} or another build.
 */
record RunPorts(int smtp, int submission, int imap, int webAdmin, int jmap, int jmx) {

    static RunPorts free() {
        return new RunPorts(SmtpPeer.freePort(), SmtpPeer.freePort(), SmtpPeer.freePort(), SmtpPeer.freePort(), SmtpPeer.freePort(),
            SmtpPeer.freePort());
    }

    /** james-conf as shipped, on these ports; add a test's own edits before writing it. */
    JamesConfCopy conf() {
        return JamesConfCopy.shipped()
            .edit("smtpserver.xml", "<bind>127.0.0.1:2525</bind>", "<bind>127.0.0.1:" + smtp + "</bind>")
            .edit("smtpserver.xml", "<bind>127.0.0.1:2587</bind>", "<bind>127.0.0.1:" + submission + "</bind>")
            .edit("imapserver.xml", "<bind>127.0.0.1:1143</bind>", "<bind>127.0.0.1:" + imap + "</bind>")
            .edit("webadmin.properties", "port=8000", "port=" + webAdmin)
            .edit("jmap.properties", "jmap.port=8001", "jmap.port=" + jmap)
            .edit("jmx.properties", "jmx.port=9999", "jmx.port=" + jmx);
    }

    /**
     * {@link #conf()} for a test partner relay ({@code SmtpPeer}) on loopback: relay mail retried every
     * {@code retryDelay} (no doubling), the test certificate trusted, loopback's ephemeral ports allowed as an admin
     * allows an internal relay.
     */
    JamesConfCopy confWithTestRelays(Duration retryDelay) {
        return conf()
            .edit("mailetcontainer.xml", "<retryDelay>5 minutes</retryDelay>", "<retryDelay>" + retryDelay.toSeconds() + " seconds</retryDelay>")
            .edit("mailetcontainer.xml", "<maxRetryDelay>1 hour</maxRetryDelay>", "<maxRetryDelay>" + retryDelay.toSeconds() + " seconds</maxRetryDelay>")
            .trustingTestRelays()
            // The partner listens on loopback, on an ephemeral port: allowed as an admin allows an internal relay.
            .allowingLoopbackRelays("1024-65535");
    }
}
