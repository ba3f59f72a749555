package io.github.outboundrelay.core.oauth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * Access tokens of connected accounts, shared by every delivery thread: a token is reused until {@code margin} before
 * it expires, then refreshed, and at most one refresh per account is under way at a time (single flight: threads that
 * need the token meanwhile wait for that refresh and share its outcome, token or failure).
 *
 * <p>A rotated refresh token is handed to {@link OAuthGrant#refreshTokenRotated} before the new access token is used.
 * A refresh token the provider refused with {@code invalid_grant} is remembered (as a digest) and not sent again:
 * every later request fails at once with {@link OAuthException.Kind#RECONNECT_NEEDED} until the account holds another
 * refresh token (the user connected it again). Temporary failures are not remembered: the next request tries again.</p>
 */
public class AccessTokenCache {
    /** Refresh this long before expiry, so that a token does not expire between the check and the relay's AUTH. */
    public static final Duration DEFAULT_MARGIN = Duration.ofMinutes(2);

    private final OAuthTokenClient client;
    private final Clock clock;
    private final Duration margin;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();

    private static final class Slot {
        volatile AccessToken token;
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
        Slot slot = slots.computeIfAbsent(grant.accountKey(), key -> new Slot());
        AccessToken cached = slot.token;
        if (isUsable(cached)) {
            return cached;
        }
        CompletableFuture<AccessToken> flight;
        boolean leader = false;
        synchronized (slot) {
            if (isUsable(slot.token)) {
                return slot.token;
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
                slot.token = token;
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
        Slot slot = slots.get(grant.accountKey());
        if (slot != null) {
            synchronized (slot) {
                if (slot.token == refused) {
                    slot.token = null;
                }
            }
        }
    }

    /**
     * Whether the provider refused the account's current refresh token ({@code invalid_grant}) on this node: the user
     * must connect it again. Cleared by {@link #forget} when they do.
     */
    public boolean reconnectNeeded(String accountKey) {
        Slot slot = slots.get(accountKey);
        if (slot == null) {
            return false;
        }
        synchronized (slot) {
            return slot.refusal != null;
        }
    }

    /** The accounts whose refresh token the provider refused on this node (see {@link #reconnectNeeded}), sorted. */
    public java.util.List<String> accountsNeedingReconnect() {
        return slots.keySet().stream().filter(this::reconnectNeeded).sorted().toList();
    }

    /** The account was connected again, changed or removed: drop everything known about it. */
    public void forget(String accountKey) {
        slots.remove(accountKey);
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

    private boolean isUsable(AccessToken token) {
        return token != null && clock.instant().plus(margin).isBefore(token.expiresAt());
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
