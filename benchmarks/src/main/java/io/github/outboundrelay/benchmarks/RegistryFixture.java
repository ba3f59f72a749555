package io.github.outboundrelay.benchmarks;

import java.security.NoSuchAlgorithmException;
import java.util.Map;

import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.mail.internet.AddressException;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;

import io.github.outboundrelay.core.AesGcmSecretSealer;
import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.RelayServer;
import io.github.outboundrelay.core.SealedSecret;
import io.github.outboundrelay.core.SecretSealer;
import io.github.outboundrelay.core.SendAsAddress;

/**
 * Registry entries shaped as the admin API creates them: every string parsed anew (no sharing between entries beyond
 * what the code itself shares), one partner domain per 1000 users, a relay password sealed with AES-256-GCM.
 */
final class RegistryFixture {
    static final String LOCAL_DOMAIN = "ourdomain.test";

    private RegistryFixture() {
    }

    static SecretSealer sealer() {
        try {
            KeyGenerator generator = KeyGenerator.getInstance("AES");
            generator.init(256);
            SecretKey key = generator.generateKey();
            return new AesGcmSecretSealer(Map.of("bench-key", key), "bench-key");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sendAsAddress(int i) {
        return "user" + i + "@partner" + (i / 1000) + ".test";
    }

    static String owner(int i) {
        return "user" + i + "@" + LOCAL_DOMAIN;
    }

    /** @param secret a sealed secret to share, or null to seal a fresh one for this entry */
    static SendAsAddress entry(int i, SecretSealer sealer, SealedSecret secret) {
        try {
            MailAddress address = new MailAddress(sendAsAddress(i));
            String relayHost = "smtp.partner" + (i / 1000) + ".test";
            return new SendAsAddress(address, Username.of(owner(i)), new RelayServer(relayHost, 587, RelaySecurity.STARTTLS),
                sendAsAddress(i), secret != null ? secret : sealer.seal("relay-password-" + i, address.asString()));
        } catch (AddressException e) {
            throw new IllegalStateException(e);
        }
    }
}
