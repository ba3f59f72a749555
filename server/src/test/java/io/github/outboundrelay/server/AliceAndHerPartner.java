package io.github.outboundrelay.server;

import javax.mail.MessagingException;

import io.github.outboundrelay.testing.SmtpSubmission;

/**
 * The send-as fixture of the tests that run {@code ./run}'s server as a process: Alice of ourdomain.test sends as her
 * address at partner.test through that domain's relay (a test {@code SmtpPeer}, STARTTLS + AUTH with her login there).
 */
final class AliceAndHerPartner {
    static final String ALICE = "alice@ourdomain.test";
    static final String ALICE_PASSWORD = "alice-secret";
    static final String SEND_AS = "alice@partner.test";
    static final String PARTNER_LOGIN = "alice@partner.test";
    static final String PARTNER_PASSWORD = "partner-secret";
    static final String RECIPIENT = "carol@elsewhere.test";
    /** WebAdmin's path of Alice's send-as address. */
    static final String SEND_AS_PATH = "/outbound-relay/users/" + ALICE + "/send-as/" + SEND_AS;

    private AliceAndHerPartner() {
    }

    /** A mail from her send-as address to Carol, submitted with SMTP AUTH as Alice on that submission port. */
    static void submit(int submissionPort, String subject) throws MessagingException {
        SmtpSubmission.to(submissionPort).authenticatedAs(ALICE, ALICE_PASSWORD)
            .envelopeFrom(SEND_AS).fromHeader(SEND_AS).recipients(RECIPIENT).subject(subject).send();
    }

    /**
     * The body that registers her address with the relay on localhost (the test certificate's DNS name: Jakarta Mail
     * 1.6 checks host names against DNS names only), vouched for by the admin (no confirmation code round trip).
     */
    static String vouchedRelayOn(int relayPort) {
        return "{\"host\":\"localhost\",\"port\":" + relayPort + ",\"security\":\"STARTTLS\",\"username\":\"" + PARTNER_LOGIN
            + "\",\"password\":\"" + PARTNER_PASSWORD + "\",\"verified\":true}";
    }
}
