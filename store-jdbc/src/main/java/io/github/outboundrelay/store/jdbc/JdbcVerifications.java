package io.github.outboundrelay.store.jdbc;

import java.util.Optional;

import io.github.outboundrelay.core.store.StoreUnavailableException;
import io.github.outboundrelay.core.store.Verifications;
import io.github.outboundrelay.core.verification.Verification;

/**
 * The send-as verification states of a {@link JdbcOutboundRelayStore}: {@link #get} (on the per-mail path, through
 * {@code SendAsVerifier.isVerified}) reads its in-memory view; writes go through to the database, and other nodes see
 * them at their next poll. Removing a send-as address from the registry removes its state too.
 */
public final class JdbcVerifications implements Verifications {
    private final JdbcStoreEngine engine;
    private final VerificationTable verifications;

    JdbcVerifications(JdbcStoreEngine engine, VerificationTable verifications) {
        this.engine = engine;
        this.verifications = verifications;
    }

    @Override
    public Optional<Verification> get(String addressKey) {
        return verifications.find(addressKey);
    }

    /**
     * @throws StoreUnavailableException when the database cannot be reached; nothing changed
     */
    @Override
    public void put(String addressKey, Verification verification) {
        engine.write("save the verification of a send-as address", transaction -> {
            verifications.save(transaction.connection(), addressKey, verification, transaction.recordChange(verifications, addressKey));
            return null;
        }, () -> verifications.show(addressKey, verification));
    }

    /**
     * @throws StoreUnavailableException when the database cannot be reached; nothing changed
     */
    @Override
    public void remove(String addressKey) {
        engine.write("forget the verification of a send-as address", transaction -> {
            if (verifications.delete(transaction.connection(), addressKey)) {
                transaction.recordChange(verifications, addressKey);
            }
            return null;
        }, () -> verifications.hide(addressKey));
    }
}
