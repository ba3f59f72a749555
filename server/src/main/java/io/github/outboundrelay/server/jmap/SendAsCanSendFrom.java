package io.github.outboundrelay.server.jmap;

import java.util.stream.Stream;

import javax.inject.Inject;
import javax.mail.internet.AddressException;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.rrt.api.CanSendFrom;
import org.apache.james.rrt.api.RecipientRewriteTable;
import org.apache.james.rrt.api.RecipientRewriteTableException;
import org.apache.james.rrt.lib.CanSendFromImpl;
import org.apache.james.util.ReactorUtils;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.outboundrelay.core.Printable;
import io.github.outboundrelay.core.SendAsAddress;
import reactor.core.publisher.Mono;

/**
 * James's {@link CanSendFrom} (the user's own address and RecipientRewriteTable aliases, {@link CanSendFromImpl}) that
 * also admits the user's own send-as addresses that may be sent as (through their relay or our servers), as decided by
 * {@link io.github.outboundrelay.core.OutboundRelayRule#maySendAs}, the same rule as the SMTP submission
 * hook's. JMAP's {@code EmailSubmission/set} checks From, Sender and envelope {@code mailFrom} with it, and JMAP's
 * server-set identities ({@code Identity/get}) are {@link #allValidFromAddressesForUser}: a pending address, another
 * user's address or one that stops qualifying is refused exactly as any address the user may not send from.
 */
public class SendAsCanSendFrom implements CanSendFrom {
    private static final Logger LOGGER = LoggerFactory.getLogger(SendAsCanSendFrom.class);

    private final CanSendFromImpl stock;
    private final OutboundRelayExtension extension;

    @Inject
    public SendAsCanSendFrom(CanSendFromImpl stock, OutboundRelayExtension extension) {
        this.stock = stock;
        this.extension = extension;
    }

    @Override
    public boolean userCanSendFrom(Username connectedUser, Username fromUser) {
        return stock.userCanSendFrom(connectedUser, fromUser) || isQualifyingSendAs(connectedUser, fromUser);
    }

    @Override
    public Publisher<Boolean> userCanSendFromReactive(Username connectedUser, Username fromUser) {
        return Mono.from(stock.userCanSendFromReactive(connectedUser, fromUser))
            .flatMap(allowed -> allowed
                ? Mono.just(true)
                : Mono.fromCallable(() -> isQualifyingSendAs(connectedUser, fromUser))
                    .subscribeOn(ReactorUtils.BLOCKING_CALL_WRAPPER));
    }

    @Override
    public Stream<MailAddress> allValidFromAddressesForUser(Username user)
        throws RecipientRewriteTable.ErrorMappingException, RecipientRewriteTableException {
        return Stream.concat(stock.allValidFromAddressesForUser(user), qualifyingSendAs(user))
            .distinct();
    }

    private Stream<MailAddress> qualifyingSendAs(Username user) {
        try {
            return extension.registry().listOwnedBy(user).stream()
                .map(SendAsAddress::address)
                .filter(address -> extension.rule().maySendAs(user, address));
        } catch (IllegalStateException e) {
            LOGGER.error("Send-as addresses left out of {}'s identities", Printable.of(user.asString()), e);
            return Stream.empty();
        }
    }

    private boolean isQualifyingSendAs(Username connectedUser, Username fromUser) {
        if (fromUser.getDomainPart().isEmpty()) {
            return false;
        }
        try {
            return extension.rule().maySendAs(connectedUser, fromUser.asMailAddress());
        } catch (IllegalStateException e) {
            // Fail closed: without the extension nothing but James's own rule admits an address.
            // fromUser is the From the client submitted (a quoted local part may hold CR/LF): escaped.
            LOGGER.error("Send-as check unavailable, {} refused for {}", Printable.of(fromUser.asString()),
                Printable.of(connectedUser.asString()), e);
            return false;
        } catch (AddressException e) {
            return false;
        }
    }
}
