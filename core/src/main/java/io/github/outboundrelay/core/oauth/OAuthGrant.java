package io.github.outboundrelay.core.oauth;

/**
 * One connected account as the access-token cache sees it: which provider, and its refresh token, opened only when a
 * refresh is due. A store implements it over the sealed refresh token of the send-as address.
 */
public interface OAuthGrant {
    /** Which grant this is: tokens are cached and refreshed per key, never shared with another grant. */
    GrantKey key();

    OAuthProvider provider();

    /**
     * The current refresh token in clear; called only at refresh time.
     *
     * @throws OAuthException RECONNECT_NEEDED when there is none any more (the stored one no longer opens)
     */
    String refreshToken() throws OAuthException;

    /** The provider rotated the refresh token: keep {@code newRefreshToken} (sealed) in place of the old one. */
    void refreshTokenRotated(String newRefreshToken);

    /**
     * The provider refused ({@code invalid_grant}) or accepted the refresh token last returned by {@link #refreshToken()}.
     */
    default void refreshTokenJudged(boolean refused) {
    }
}
