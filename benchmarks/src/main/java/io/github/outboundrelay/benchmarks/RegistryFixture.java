package io.github.outboundrelay.benchmarks;

import java.security.NoSuchAlgorithmException;
import java.util.Map;

import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.mail.internet.AddressException;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;

import io.github.outboundrelay.core.RelayCredential;
import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.RelayServer;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.SendAsKey;
import io.github.outboundrelay.core.secrets.AesGcmSecretSealer;
import io.github.outboundrelay.core.secrets.SealedSecret;
import io.github.outboundrelay.core.secrets.SecretSealer;

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
            RelayServer relay = new RelayServer("smtp.partner" + (i / 1000) + ".test", 587, RelaySecurity.STARTTLS);
            Username owner = Username.of(owner(i));
            return new SendAsAddress(address, owner, relay, sendAsAddress(i), secret != null ? secret
                : sealer.seal("relay-password-" + i, RelayCredential.Password.contextFor(owner, SendAsKey.of(address), relay, sendAsAddress(i))));
        } catch (AddressException e) {
            throw new IllegalStateException(e);
        }
    }
}
