package io.github.outboundrelay.core.net;

import java.net.InetAddress;

import com.google.common.net.InetAddresses;

import io.github.outboundrelay.core.InvalidFieldException;

/**
 * A network written {@code address/prefix-length} ({@code 10.0.0.0/8}, {@code fc00::/7}); a bare address is a network
 * of that one address. Parsed without any DNS lookup.
 */
record Cidr(byte[] network, int prefixLength) {
    static Cidr parse(String field, String text) {
        String trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
        if (!InetAddresses.isInetAddress(address)) {
            throw new InvalidFieldException(field, "'" + text + "' is not a network (address/prefix-length) nor an IP address");
        }
        byte[] bytes = InetAddresses.forString(address).getAddress();
        int maxLength = bytes.length * 8;
        int length;
        try {
            length = slash < 0 ? maxLength : Integer.parseInt(trimmed.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new InvalidFieldException(field, "'" + text + "' has no valid prefix length");
        }
        if (length < 0 || length > maxLength) {
            throw new InvalidFieldException(field, "'" + text + "' has a prefix length outside 0.." + maxLength);
        }
        return new Cidr(bytes, length);
    }

    boolean contains(InetAddress address) {
        byte[] candidate = address.getAddress();
        if (candidate.length != network.length) {
            return false;
        }
        int fullBytes = prefixLength / 8;
        for (int i = 0; i < fullBytes; i++) {
            if (candidate[i] != network[i]) {
                return false;
            }
        }
        int remainingBits = prefixLength % 8;
        if (remainingBits == 0) {
            return true;
        }
        int mask = 0xff << (8 - remainingBits);
        return (candidate[fullBytes] & mask) == (network[fullBytes] & mask);
    }
}
