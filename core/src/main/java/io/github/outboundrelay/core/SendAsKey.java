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
     * Whether the ASCII {@code addrSpec} ({@code local@domain}, one {@code @}) has the key {@code key}, without building
     * its key: {@code key.equals(of(local, domain))}, which for ASCII is the addr-spec lower-cased. Compares with the
     * key the owner index holds, one string, rather than with the parts of the address (several objects to reach
     * on every mail).
     */
    public static boolean isKeyOf(String key, String addrSpec) {
        return key.length() == addrSpec.length() && equalsLowerCased(key, 0, addrSpec, 0, addrSpec.length());
    }

    /** Whether {@code address} has the key {@code key} ({@code key.equals(of(address))}), not built when ASCII. */
    public static boolean isKeyOf(String key, MailAddress address) {
        String local = address.getLocalPart();
        String domain = address.getDomain().asString();
        if (!isAscii(local) || !isAscii(domain)) {
            return key.equals(of(address));
        }
        int at = local.length();
        return key.length() == at + 1 + domain.length() && key.charAt(at) == '@'
            && equalsLowerCased(key, 0, local, 0, at) && equalsLowerCased(key, at + 1, domain, 0, domain.length());
    }

    /** Whether {@code key} holds, at {@code keyStart}, the ASCII {@code text}'s range lower-cased (as Locale.ROOT does). */
    private static boolean equalsLowerCased(String key, int keyStart, String text, int start, int end) {
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                c = (char) (c + ('a' - 'A'));
            }
            if (key.charAt(keyStart + i - start) != c) {
                return false;
            }
        }
        return true;
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
