package io.github.outboundrelay.core.store;

/**
 * A write to a persistent store could not be made because the store (its database) cannot be reached or refused the
 * operation; nothing was changed. Reads keep answering from the last known in-memory view meanwhile. Callers exposing
 * an API map it to "service unavailable" (503): the same request can be retried once the store is back.
 * <p>
 * Its message never holds stored values (no secret, sealed or not): only the operation that failed.
 */
public class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreUnavailableException(String message) {
        super(message);
    }
}
