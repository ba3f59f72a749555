package io.github.outboundrelay.core.oauth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;

/**
 * Access tokens of connected accounts, shared by every delivery thread: a token is reused until {@code margin} before
 * it expires, then refreshed, and at most one refresh per account is under way at a time (single flight: threads that
 * need the token meanwhile wait for that refresh and share its outcome, token or failure).
 *
 * <p>A rotated refresh token is handed to {@link OAuthGrant#refreshTokenRotated} before the new access token is used.
 * A refresh token the provider refused with {@code invalid_grant} is remembered (as a digest) and not sent again:
 * every later request fails at once with {@link OAuthException.Kind#RECONNECT_NEEDED} until the account holds another
 * refresh token (the user connected it again). Temporary failures are not remembered: the next request tries again.</p>
 *
 * <p>Tokens are kept per grant ({@link GrantKey}: owner, address, provider, account and which connection of it), so
 * an address removed and connected again, on this node or another, is another grant that never finds the tokens of
 * the one before; a token is also dropped when the grant's provider is no longer the one it was obtained from (changed
 * on another node). Whoever removes or changes a grant, an address or a provider here forgets its tokens
 * ({@link #forgetGrants}); the deleted-user sweep forgets, on every node, those of grants no longer held.</p>
 */
public class AccessTokenCache {
    /** Refresh this long before expiry, so that a token does not expire between the check and the relay's AUTH. */
    public static final Duration DEFAULT_MARGIN = Duration.ofMinutes(2);

    private final OAuthTokenClient client;
    private final Clock clock;
    private final Duration margin;
    private final Map<GrantKey, Slot> slots = new ConcurrentHashMap<>();

    /** A token and the provider (as it was set then) it was obtained from. */
    private record Cached(AccessToken token, OAuthProvider provider) {
    }

    private static final class Slot {
        volatile Cached cached;
        CompletableFuture<AccessToken> refreshing;
        byte[] refusedRefreshToken;
        OAuthException refusal;
    }

    public AccessTokenCache(OAuthTokenClient client, Clock clock, Duration margin) {
        this.client = client;
        this.clock = clock;
        this.margin = margin;
    }

    /** A token good for at least {@code margin}: the cached one, or one refreshed now (once for all waiting threads). */
    public AccessToken get(OAuthGrant grant) throws OAuthException {
        Slot slot = slots.computeIfAbsent(grant.key(), key -> new Slot());
        Cached cached = slot.cached;
        if (isUsable(cached, grant)) {
            return cached.token();
        }
        CompletableFuture<AccessToken> flight;
        boolean leader = false;
        synchronized (slot) {
            if (isUsable(slot.cached, grant)) {
                return slot.cached.token();
            }
            if (slot.refreshing == null) {
                slot.refreshing = new CompletableFuture<>();
                leader = true;
            }
            flight = slot.refreshing;
        }
        if (leader) {
            try {
                AccessToken token = refresh(slot, grant);
                slot.cached = new Cached(token, grant.provider());
                flight.complete(token);
            } catch (OAuthException | RuntimeException e) {
                flight.completeExceptionally(e);
            } finally {
                synchronized (slot) {
                    slot.refreshing = null;
                }
            }
        }
        return await(flight);
    }

    /**
     * The relay refused this token (535): forget it, so that the next {@link #get} fetches a fresh one. A token
     * refreshed by another thread in the meantime is kept.
     */
    public void invalidate(OAuthGrant grant, AccessToken refused) {
        Slot slot = slots.get(grant.key());
        if (slot != null) {
            synchronized (slot) {
                if (slot.cached != null && slot.cached.token() == refused) {
                    slot.cached = null;
                }
            }
        }
    }

    /**
     * Whether the provider refused the account's current refresh token ({@code invalid_grant}) on this node: the user
     * must connect it again (which makes another grant).
     */
    public boolean reconnectNeeded(GrantKey grant) {
        Slot slot = slots.get(grant);
        if (slot == null) {
            return false;
        }
        synchronized (slot) {
            return slot.refusal != null;
        }
    }

    /** The grants whose refresh token the provider refused on this node (see {@link #reconnectNeeded}). */
    public List<GrantKey> accountsNeedingReconnect() {
        return slots.keySet().stream().filter(this::reconnectNeeded).toList();
    }

    /**
     * Drops everything known about these grants (their address, owner or provider removed or changed, or the account
     * connected again): the next request for such a grant starts afresh.
     */
    public void forgetGrants(Predicate<GrantKey> which) {
        slots.keySet().removeIf(which);
    }

    private AccessToken refresh(Slot slot, OAuthGrant grant) throws OAuthException {
        String refreshToken = grant.refreshToken();
        byte[] digest = digest(refreshToken);
        synchronized (slot) {
            if (slot.refusedRefreshToken != null && Arrays.equals(slot.refusedRefreshToken, digest)) {
                throw slot.refusal;
            }
        }
        TokenGrant answer;
        try {
            answer = client.refresh(grant.provider(), refreshToken);
        } catch (OAuthException e) {
            if (e.kind() == OAuthException.Kind.RECONNECT_NEEDED) {
                synchronized (slot) {
                    slot.refusedRefreshToken = digest;
                    slot.refusal = e;
                }
                grant.refreshTokenJudged(true);
            }
            throw e;
        }
        synchronized (slot) {
            // A refresh token that works: the account was connected again (possibly through another node).
            slot.refusedRefreshToken = null;
            slot.refusal = null;
        }
        grant.refreshTokenJudged(false);
        answer.refreshToken().filter(rotated -> !rotated.equals(refreshToken)).ifPresent(grant::refreshTokenRotated);
        return answer.accessToken();
    }

    /** Not due for a refresh, and obtained from the provider as the grant knows it now. */
    private boolean isUsable(Cached cached, OAuthGrant grant) {
        return cached != null && cached.provider().equals(grant.provider())
            && clock.instant().plus(margin).isBefore(cached.token().expiresAt());
    }

    private static AccessToken await(CompletableFuture<AccessToken> flight) throws OAuthException {
        try {
            return flight.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OAuthException(OAuthException.Kind.TEMPORARY, "Interrupted while a token was refreshed", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof OAuthException oauth) {
                throw oauth;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private static byte[] digest(String refreshToken) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(refreshToken.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
