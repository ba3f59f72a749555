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

    /**
     * Whether the ASCII {@code addrSpec} ({@code local@domain}) has the key of {@code address}, without building either
     * key: a case-insensitive comparison of the two parts, or the keys compared when {@code address} is not all ASCII.
     */
    public static boolean isKeyOf(MailAddress address, String addrSpec) {
        String local = address.getLocalPart();
        String domain = address.getDomain().asString();
        if (!isAscii(local) || !isAscii(domain)) {
            int at = addrSpec.lastIndexOf('@');
            return at > 0 && of(address).equals(of(addrSpec.substring(0, at), addrSpec.substring(at + 1)));
        }
        int at = local.length();
        return addrSpec.length() == at + 1 + domain.length() && addrSpec.charAt(at) == '@'
            && addrSpec.regionMatches(true, 0, local, 0, at) && addrSpec.regionMatches(true, at + 1, domain, 0, domain.length());
    }

    /** Whether two addresses have one key, without building them when both are ASCII (nearly always). */
    public static boolean sameKey(MailAddress one, MailAddress other) {
        String local = one.getLocalPart();
        String domain = one.getDomain().asString();
        String otherLocal = other.getLocalPart();
        String otherDomain = other.getDomain().asString();
        if (isAscii(local) && isAscii(domain) && isAscii(otherLocal) && isAscii(otherDomain)) {
            return domain.equalsIgnoreCase(otherDomain) && local.equalsIgnoreCase(otherLocal);
        }
        return of(one).equals(of(other));
    }

    private static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
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
