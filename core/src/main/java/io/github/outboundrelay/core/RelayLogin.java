package io.github.outboundrelay.core;

import java.util.Objects;

import io.github.outboundrelay.core.oauth.OAuthGrant;

/**
 * What a relay session authenticates with, ready to use: the password in clear (opened for this attempt only), or the
 * OAuth grant whose access token is taken from the token cache when the session is opened. Never in toString.
 */
public sealed interface RelayLogin permits RelayLogin.WithPassword, RelayLogin.WithOAuth {
    record WithPassword(String password) implements RelayLogin {
        public WithPassword {
            Objects.requireNonNull(password, "password");
        }

        @Override
        public String toString() {
            return "WithPassword[****]";
        }
    }

    record WithOAuth(OAuthGrant grant) implements RelayLogin {
        public WithOAuth {
            Objects.requireNonNull(grant, "grant");
        }

        @Override
        public String toString() {
            return "WithOAuth[" + grant.key() + "]";
        }
    }
}
