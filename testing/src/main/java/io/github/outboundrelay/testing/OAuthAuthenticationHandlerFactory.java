package io.github.outboundrelay.testing;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.subethamail.smtp.AuthenticationHandler;
import org.subethamail.smtp.AuthenticationHandlerFactory;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.RejectException;

/**
 * The server side of SMTP AUTH XOAUTH2 (Google's and Microsoft's format) and OAUTHBEARER (RFC 7628), parsed here on
 * its own (not with the client's code, so that a mistake on one side is not mirrored on the other). A token is
 * accepted when the validator accepts it and it was issued for the account named in the exchange. A refused token gets
 * what providers answer: a {@code 334} challenge holding a JSON error, then {@code 535} once the client has answered
 * it (RFC 7628 section 3.2.3: the client sends {@code %x01}; XOAUTH2 clients send an empty line).
 */
final class OAuthAuthenticationHandlerFactory implements AuthenticationHandlerFactory {
    interface Outcomes {
        void authenticated(String mechanism, String account);

        void refused(String mechanism, String reason);
    }

    static final List<String> MECHANISMS = List.of("XOAUTH2", "OAUTHBEARER");
    private static final String ERROR_CHALLENGE = "{\"status\":\"invalid_token\",\"schemes\":\"bearer\",\"scope\":\"smtp\"}";

    private final BearerTokenValidator validator;
    private final List<String> announced;
    private final Outcomes outcomes;

    OAuthAuthenticationHandlerFactory(BearerTokenValidator validator, List<String> announced, Outcomes outcomes) {
        this.validator = validator;
        this.announced = List.copyOf(announced);
        this.outcomes = outcomes;
    }

    @Override
    public List<String> getAuthenticationMechanisms() {
        return announced;
    }

    @Override
    public AuthenticationHandler create() {
        return new Handler();
    }

    private final class Handler implements AuthenticationHandler {
        private String mechanism;
        private String account;
        private boolean failed;

        @Override
        public Optional<String> auth(String clientInput, MessageContext context) throws RejectException {
            if (failed) {
                // The client's answer to our error challenge: the exchange ends with the refusal.
                throw new RejectException(535, "5.7.8 Username and Password not accepted (invalid token)");
            }
            String[] words = clientInput.trim().split(" ");
            if (words.length < 2 || !words[0].equalsIgnoreCase("AUTH")) {
                throw new RejectException(501, "5.5.2 Syntax error");
            }
            mechanism = words[1].toUpperCase(Locale.ROOT);
            if (words.length < 3) {
                throw new RejectException(501, "5.5.2 an initial response is required");
            }
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(words[2]), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new RejectException(501, "5.5.2 initial response is not base64");
            }
            Credentials credentials = mechanism.equals("XOAUTH2") ? xoauth2(decoded) : oauthBearer(decoded);
            try {
                String subject = validator.validate(credentials.token());
                if (!subject.equalsIgnoreCase(credentials.account())) {
                    return refuse("token issued for another account");
                }
            } catch (BearerTokenValidator.InvalidTokenException e) {
                return refuse(e.getMessage());
            }
            account = credentials.account();
            outcomes.authenticated(mechanism, account);
            return Optional.empty();
        }

        private Optional<String> refuse(String reason) {
            failed = true;
            outcomes.refused(mechanism, reason);
            return Optional.of("334 " + Base64.getEncoder().encodeToString(ERROR_CHALLENGE.getBytes(StandardCharsets.UTF_8)));
        }

        @Override
        public Object getIdentity() {
            return account;
        }
    }

    private record Credentials(String account, String token) {
    }

    /** {@code user=<account>^Aauth=Bearer <token>^A^A} */
    private static Credentials xoauth2(String decoded) throws RejectException {
        String account = null;
        String token = null;
        for (String field : decoded.split("\u0001")) {
            if (field.startsWith("user=")) {
                account = field.substring(5);
            } else if (field.startsWith("auth=Bearer ")) {
                token = field.substring(12);
            }
        }
        if (account == null || token == null || !decoded.endsWith("\u0001\u0001")) {
            throw new RejectException(501, "5.5.2 malformed XOAUTH2 response");
        }
        return new Credentials(account, token);
    }

    /** {@code n,a=<account>,^Ahost=..^Aport=..^Aauth=Bearer <token>^A^A} (RFC 7628 section 3.1) */
    private static Credentials oauthBearer(String decoded) throws RejectException {
        int headerEnd = decoded.indexOf('\u0001');
        if (headerEnd < 0 || !decoded.startsWith("n,") || !decoded.endsWith("\u0001\u0001")) {
            throw new RejectException(501, "5.5.2 malformed OAUTHBEARER response");
        }
        String account = null;
        for (String part : decoded.substring(0, headerEnd).split(",")) {
            if (part.startsWith("a=")) {
                account = part.substring(2).replace("=2C", ",").replace("=3D", "=");
            }
        }
        String token = null;
        for (String pair : decoded.substring(headerEnd + 1).split("\u0001")) {
            if (pair.startsWith("auth=Bearer ")) {
                token = pair.substring(12);
            }
        }
        if (account == null || token == null) {
            throw new RejectException(501, "5.5.2 OAUTHBEARER needs a=<account> and auth=Bearer");
        }
        return new Credentials(account, token);
    }
}
