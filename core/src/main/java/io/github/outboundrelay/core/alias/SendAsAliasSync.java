package io.github.outboundrelay.core.alias;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;
import javax.mail.internet.AddressException;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.api.DomainListException;
import org.apache.james.rrt.api.RecipientRewriteTable;
import org.apache.james.rrt.api.RecipientRewriteTableException;
import org.apache.james.rrt.lib.Mapping;
import org.apache.james.rrt.lib.MappingSource;
import org.apache.james.utils.UserDefinedStartable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.outboundrelay.core.OutboundRelayRule;
import io.github.outboundrelay.core.Printable;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.store.SendAsRegistry;

/**
 * Opt-in "treat as an alias" for a stock James, where the extension cannot change JMAP's {@code CanSendFrom}: keeps,
 * for every send-as address that qualifies ({@link OutboundRelayRule#decide(SendAsAddress)}: registered, verified, not
 * local, the owner's domain allowing alternate addresses), a RecipientRewriteTable {@code Alias} mapping from the address to its
 * owner, and removes it once the address stops qualifying. James's stock {@code CanSendFrom} admits aliases, so JMAP
 * then lists the address among the owner's identities and {@code EmailSubmission/set} sends from it; and, as Gmail's
 * "Treat as an alias", mail that reaches this James for that address (from our own users, say) is delivered to the
 * owner's mailbox instead of leaving for the other domain.
 * <p>
 * James's own alias API refuses a source outside its domain list, so this writes the mapping with
 * {@link RecipientRewriteTable#addMapping}; by the same token every {@code Alias} mapping whose source is not in one of
 * our domains is taken to be this class's, and removed when no qualifying address calls for it. Reconciled every
 * {@link #INTERVAL} on every node: a change (removal, policy off) reaches the mappings within that time.
 * Enabled with {@code guice.extension.startable=io.github.outboundrelay.core.alias.SendAsAliasSync}.
 */
public class SendAsAliasSync implements UserDefinedStartable {
    static final Duration INTERVAL = Duration.ofSeconds(2);
    private static final Logger LOGGER = LoggerFactory.getLogger(SendAsAliasSync.class);

    private final SendAsRegistry registry;
    private final OutboundRelayRule rule;
    private final RecipientRewriteTable rrt;
    private final DomainList domainList;

    @Inject
    public SendAsAliasSync(SendAsRegistry registry, OutboundRelayRule rule, RecipientRewriteTable rrt, DomainList domainList) {
        this.registry = registry;
        this.rule = rule;
        this.domainList = domainList;
        this.rrt = rrt;
    }

    @Override
    public void start() {
        // A daemon thread: James has no stop hook for extension startables; it ends with the JVM.
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "outbound-relay-alias-sync");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(this::reconcileQuietly, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        LOGGER.info("outbound-relay: verified send-as addresses are kept as RecipientRewriteTable aliases of their owners");
    }

    private void reconcileQuietly() {
        try {
            reconcile();
        } catch (Exception e) {
            // Next round tries again; an address that stopped qualifying is still refused by the relay matcher meanwhile.
            LOGGER.warn("outbound-relay: send-as aliases not reconciled ({}), retrying in {}", e.getClass().getSimpleName(), INTERVAL);
        }
    }

    /** One round: adds the missing aliases, removes the ones no qualifying address calls for. */
    void reconcile() throws RecipientRewriteTableException, DomainListException, AddressException {
        Set<Alias> wanted = new HashSet<>();
        for (SendAsAddress sendAs : registry.all()) {
            if (rule.decide(sendAs).isSendAs()) {
                // The registry's key (case-folded, ASCII domain): the same source every round, whatever the spelling.
                MappingSource source = MappingSource.fromMailAddress(new MailAddress(sendAs.key()));
                wanted.add(new Alias(source, Mapping.alias(sendAs.owner().asString())));
            }
        }
        Set<Alias> present = presentForeignAliases();
        for (Alias alias : wanted) {
            if (!present.contains(alias)) {
                rrt.addMapping(alias.source(), alias.mapping());
                LOGGER.info("outbound-relay: alias {} -> {} added", Printable.of(alias.source().asString()),
                    Printable.of(alias.mapping().asString()));
            }
        }
        for (Alias alias : present) {
            if (!wanted.contains(alias)) {
                rrt.removeMapping(alias.source(), alias.mapping());
                // Any foreign alias of the table, whoever wrote it: escaped.
                LOGGER.info("outbound-relay: alias {} -> {} removed", Printable.of(alias.source().asString()),
                    Printable.of(alias.mapping().asString()));
            }
        }
    }

    private Set<Alias> presentForeignAliases() throws RecipientRewriteTableException, DomainListException {
        Set<Alias> present = new HashSet<>();
        for (Map.Entry<MappingSource, ? extends Iterable<Mapping>> entry : rrt.getAllMappings().entrySet()) {
            if (isForeignAddress(entry.getKey())) {
                for (Mapping mapping : entry.getValue()) {
                    if (mapping.getType() == Mapping.Type.Alias) {
                        present.add(new Alias(entry.getKey(), mapping));
                    }
                }
            }
        }
        return present;
    }

    private boolean isForeignAddress(MappingSource source) throws DomainListException {
        if (source.asMailAddress().isEmpty()) {
            return false;
        }
        MailAddress address = source.asMailAddress().get();
        Domain domain = address.getDomain();
        return !domainList.containsDomain(domain);
    }

    private record Alias(MappingSource source, Mapping mapping) {
    }
}
