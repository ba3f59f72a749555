package io.github.outboundrelay.core;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The SMTP server of the external domain that delivers mail for a send-as address.
 */
public record RelayServer(String host, int port, RelaySecurity security) {
    // RFC 1123 host names (letters, digits, hyphens; labels of 1..63) or a literal IPv4/IPv6 address.
    private static final Pattern HOST_NAME = Pattern.compile(
        "(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\\.?");
    private static final Pattern IPV6_LITERAL = Pattern.compile("[0-9a-f:.]+");

    public RelayServer {
        host = validHost(host);
        if (port < 1 || port > 65535) {
            throw new InvalidFieldException("port", "must be between 1 and 65535, got " + port);
        }
        if (security == null) {
            throw new InvalidFieldException("security", "is required");
        }
    }

    private static String validHost(String host) {
        if (host == null || host.isBlank()) {
            throw new InvalidFieldException("host", "is required");
        }
        String normalized = host.trim().toLowerCase(Locale.ROOT);
        boolean isIpv6 = normalized.contains(":") && IPV6_LITERAL.matcher(normalized).matches();
        if (!isIpv6 && !HOST_NAME.matcher(normalized).matches()) {
            throw new InvalidFieldException("host", "is not a valid host name or IP address: '" + host + "'");
        }
        return normalized.endsWith(".") ? normalized.substring(0, normalized.length() - 1) : normalized;
    }

    @Override
    public String toString() {
        return host + ":" + port + " (" + security + ")";
    }
}
