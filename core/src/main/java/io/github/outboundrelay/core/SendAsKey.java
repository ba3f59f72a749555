package io.github.outboundrelay.core;

import java.net.IDN;
import java.util.Locale;

import org.apache.james.core.MailAddress;

/**
 * The registry key of an address: case-folded, with an IDN domain in its ASCII (punycode) form, so that
 * {@code Alice@Partner.TEST} and {@code alice@partner.test} are one address, and a unicode domain and its
 * punycode form are one domain.
 */
public final class SendAsKey {
    private SendAsKey() {
    }

    public static String of(MailAddress address) {
        return of(address.getLocalPart(), address.getDomain().asString());
    }

    public static String of(String localPart, String domain) {
        return localPart.toLowerCase(Locale.ROOT) + "@" + IDN.toASCII(domain, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
    }
}
