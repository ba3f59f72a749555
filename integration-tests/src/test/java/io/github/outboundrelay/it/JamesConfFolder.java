package io.github.outboundrelay.it;

import java.io.File;

import io.github.outboundrelay.testing.JamesConfCopy;
import io.github.outboundrelay.testing.SmtpPeer;
import io.github.outboundrelay.testing.TestTls;

/**
 * Copies the shipped {@code james-conf/} into a test server's working directory and applies the few edits a test
 * needs (ephemeral ports, the test gateway, short retry delays, the test CA). Each edit must find its text, so the
 * tests break loudly if james-conf drifts away from what they exercise.
 */
final class JamesConfFolder {
    private final JamesConfCopy copy = JamesConfCopy.shipped();
    private volatile File workingDirectory;

    static JamesConfFolder shipped() {
        JamesConfFolder folder = new JamesConfFolder();
        // The test relays listen on loopback, on ephemeral ports: allowed as an admin allows an internal relay.
        folder.copy.allowingLoopbackRelays("25,465,587,2525,1024-65535");
        return folder
            .edit("smtpserver.xml", "<bind>127.0.0.1:2525</bind>", "<bind>127.0.0.1:0</bind>")
            .edit("smtpserver.xml", "<bind>127.0.0.1:2587</bind>", "<bind>127.0.0.1:0</bind>")
            .edit("imapserver.xml", "<bind>127.0.0.1:1143</bind>", "<bind>127.0.0.1:0</bind>")
            .edit("webadmin.properties", "port=8000", "port=0")
            // JMX listens on a fixed port (9999): off, so that test classes run in two JVMs at once (surefire forks).
            .edit("jmx.properties", "jmx.enabled=true", "jmx.enabled=false");
    }

    /** The domain's gateway (james-conf: port 2526 of localhost) is {@code gateway}. */
    JamesConfFolder withGateway(SmtpPeer gateway) {
        return edit("mailetcontainer.xml", "<gatewayPort>2526</gatewayPort>", "<gatewayPort>" + gateway.port() + "</gatewayPort>");
    }

    /** Relays (delivery and relay test) may present the test CA of the test relays ({@link TestTls}). */
    JamesConfFolder trustingTestRelays() {
        copy.trustingTestRelays();
        return this;
    }

    /** Code mails through the address's own relay ({@code relay.verificationMail=relay}). */
    JamesConfFolder verificationMailThroughRelays() {
        copy.verificationMailThroughRelays();
        return this;
    }

    /** Retries after 200 ms doubling to 400 ms, and a queue lifetime of {@code lifetime} (e.g. "2 seconds"). */
    JamesConfFolder withShortRetries(String lifetime) {
        return edit("mailetcontainer.xml", "<retryDelay>5 minutes</retryDelay>", "<retryDelay>200 ms</retryDelay>")
            .edit("mailetcontainer.xml", "<maxRetryDelay>1 hour</maxRetryDelay>", "<maxRetryDelay>400 ms</maxRetryDelay>")
            .edit("mailetcontainer.xml", "<maxQueueLifetime>5 days</maxQueueLifetime>", "<maxQueueLifetime>" + lifetime + "</maxQueueLifetime>");
    }

    /** The users' self-service surface on that port of loopback (ephemeral otherwise). */
    JamesConfFolder selfServiceOn(int port) {
        copy.selfServiceOn(port);
        return this;
    }

    JamesConfFolder edit(String file, String from, String to) {
        copy.edit(file, from, to);
        return this;
    }

    void writeInto(File workingDirectory) {
        copy.writeInto(workingDirectory.toPath());
        this.workingDirectory = workingDirectory;
    }

    /** The working directory of the server booted from this folder (its var/ holds the extension's store). */
    File workingDirectory() {
        return workingDirectory;
    }
}
