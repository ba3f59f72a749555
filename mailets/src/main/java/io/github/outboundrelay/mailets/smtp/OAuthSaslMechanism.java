package io.github.outboundrelay.mailets.smtp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The two SASL mechanisms that carry an OAuth 2.0 bearer token over SMTP AUTH, each as one initial response:
 * <ul>
 *     <li>{@code OAUTHBEARER}, RFC 7628: {@code n,a=<user>,^Ahost=<host>^Aport=<port>^Aauth=Bearer <token>^A^A}.</li>
 *     <li>{@code XOAUTH2}, Google's and Microsoft's: {@code user=<user>^Aauth=Bearer <token>^A^A}.</li>
 * </ul>
 * A refused token is answered {@code 334} with a JSON error; the client then ends the exchange with
 * {@link #abortResponse()} and the server answers {@code 535}.
 *
 * <p>javax.mail 1.6.2 (James's) has XOAUTH2 built in but off by default, and when the server answers that
 * {@code 334} it gives up without reading the final reply (so a 535 cannot be told from other failures); it has no
 * OAUTHBEARER. Both are therefore sent here as plain AUTH commands.</p>
 */
enum OAuthSaslMechanism {
    OAUTHBEARER {
        @Override
        String initialResponse(String user, String host, int port, String token) {
            return base64("n,a=" + saslName(user) + ",\u0001host=" + host + "\u0001port=" + port
                + "\u0001auth=Bearer " + token + "\u0001\u0001");
        }

        @Override
        String abortResponse() {
            return base64("\u0001"); // RFC 7628 section 3.2.3
        }
    },
    XOAUTH2 {
        @Override
        String initialResponse(String user, String host, int port, String token) {
            return base64("user=" + user + "\u0001auth=Bearer " + token + "\u0001\u0001");
        }

        @Override
        String abortResponse() {
            return "";
        }
    };

    abstract String initialResponse(String user, String host, int port, String token);

    /** What the client sends after the server's 334 error challenge. */
    abstract String abortResponse();

    /**
     * The mechanism to use given the relay's {@code AUTH} EHLO keyword parameters: OAUTHBEARER (the IETF standard)
     * when announced, else XOAUTH2; empty when the relay announces neither.
     */
    static Optional<OAuthSaslMechanism> choose(String announced) {
        if (announced == null) {
            return Optional.empty();
        }
        Set<String> offered = Arrays.stream(announced.trim().split("\\s+"))
            .map(word -> word.toUpperCase(Locale.ROOT)).collect(Collectors.toSet());
        return Arrays.stream(values()).filter(mechanism -> offered.contains(mechanism.name())).findFirst();
    }

    /** RFC 5801 saslname: "," and "=" escaped. */
    private static String saslName(String user) {
        return user.replace("=", "=3D").replace(",", "=2C");
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
