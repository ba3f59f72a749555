package io.github.outboundrelay.server.jmap;

import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.james.core.Username;
import org.apache.james.jmap.api.identity.DefaultIdentitySupplier;
import org.apache.james.jmap.api.model.Identity;
import org.apache.james.rrt.api.CanSendFrom;
import org.apache.james.user.api.UsersRepository;

import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.SendAsKey;
import scala.jdk.javaapi.CollectionConverters;

/**
 * JMAP's server-set identities (one per address {@link CanSendFrom} lists, named after the address) with the display
 * name the user gave a send-as address as that identity's name. A name the user then sets through
 * {@code Identity/set} is James's own custom identity and still wins over this one.
 */
public class SendAsIdentitySupplier extends DefaultIdentitySupplier {
    private final OutboundRelayExtension extension;

    @Inject
    public SendAsIdentitySupplier(CanSendFrom canSendFrom, UsersRepository usersRepository, OutboundRelayExtension extension) {
        super(canSendFrom, usersRepository);
        this.extension = extension;
    }

    @Override
    public scala.collection.immutable.List<Identity> listIdentities(Username username) {
        scala.collection.immutable.List<Identity> identities = super.listIdentities(username);
        Map<String, String> displayNames = displayNames(username);
        if (displayNames.isEmpty()) {
            return identities;
        }
        return CollectionConverters.asScala(CollectionConverters.asJava(identities).stream()
                .map(identity -> Optional.ofNullable(displayNames.get(SendAsKey.of(identity.email())))
                    .map(name -> named(identity, name))
                    .orElse(identity))
                .toList())
            .toList();
    }

    private Map<String, String> displayNames(Username username) {
        try {
            return extension.registry().listOwnedBy(username).stream()
                .filter(sendAs -> sendAs.displayName().isPresent())
                .collect(Collectors.toMap(SendAsAddress::key, sendAs -> sendAs.displayName().get()));
        } catch (IllegalStateException e) {
            // No extension: SendAsCanSendFrom lists no send-as address either, so there is nothing to name.
            return Map.of();
        }
    }

    private static Identity named(Identity identity, String name) {
        return identity.copy(identity.id(), identity.sortOrder(), name, identity.email(), identity.replyTo(),
            identity.bcc(), identity.textSignature(), identity.htmlSignature(), identity.mayDelete());
    }
}
