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
        return localPart.toLowerCase(Locale.ROOT) + "@" + asciiDomain(domain).toLowerCase(Locale.ROOT);
    }

    /** IDN conversion only when there is something to convert: this runs for every mail the matchers see. */
    private static String asciiDomain(String domain) {
        for (int i = 0; i < domain.length(); i++) {
            if (domain.charAt(i) >= 0x80) {
                return IDN.toASCII(domain, IDN.ALLOW_UNASSIGNED);
            }
        }
        return domain;
    }
}
