package io.github.outboundrelay.core.settings;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

import javax.inject.Inject;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;

import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.store.SendAsRegistry;

/**
 * Who sends as what in a domain: every send-as address of the domain's users, by address, as {@link SendAsSettings}
 * shows it (status, and whether its OAuth grant needs a reconnect), optionally of one user or one status, paged. The
 * one query behind WebAdmin's {@code GET /outbound-relay/domains/{domain}/send-as} and the admin area's page. The
 * registry is in memory: a page of thousands of addresses is a walk over a map.
 */
public class SendAsOverview {
    /** A status to filter on: {@code pending}, {@code verified}, or {@code reconnect-needed} (an OAuth grant refused). */
    public enum Status {
        PENDING,
        VERIFIED,
        RECONNECT_NEEDED;

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** 400 naming {@code status} for anything but a label. */
        public static Status parse(String label) {
            return Stream.of(values()).filter(status -> status.label().equals(label)).findFirst()
                .orElseThrow(() -> new InvalidFieldException("status", "must be pending, verified or reconnect-needed"));
        }

        boolean matches(SendAsView view) {
            return switch (this) {
                case PENDING -> view.status().equals("pending");
                case VERIFIED -> view.status().equals("verified");
                case RECONNECT_NEEDED -> view.reconnectNeeded();
            };
        }
    }

    /** One address, the user it belongs to, and how every API shows it. */
    public record Entry(Username owner, MailAddress address, SendAsView sendAs) {
    }

    /** @param total how many addresses match, over every page */
    public record Page(List<Entry> entries, int total) {
    }

    private final SendAsRegistry registry;
    private final SendAsSettings settings;

    @Inject
    public SendAsOverview(SendAsRegistry registry, SendAsSettings settings) {
        this.registry = registry;
        this.settings = settings;
    }

    public Page find(Domain domain, Optional<Username> owner, Optional<Status> status, int offset, int limit) {
        if (offset < 0 || limit < 0) {
            throw new IllegalArgumentException("offset and limit must not be negative");
        }
        List<SendAsAddress> inDomain = registry.all().stream()
            .filter(sendAs -> sendAs.owner().getDomainPart().map(domain::equals).orElse(false))
            .filter(sendAs -> owner.map(sendAs::isOwnedBy).orElse(true))
            .sorted(Comparator.comparing(SendAsAddress::key))
            .toList();
        if (status.isEmpty()) {
            // Only the page's views are built.
            return new Page(entries(inDomain.stream().skip(offset).limit(limit)).toList(), inDomain.size());
        }
        List<Entry> matching = entries(inDomain.stream()).filter(entry -> status.get().matches(entry.sendAs())).toList();
        return new Page(matching.stream().skip(offset).limit(limit).toList(), matching.size());
    }

    /** An address removed meanwhile is left out. */
    private Stream<Entry> entries(Stream<SendAsAddress> addresses) {
        return addresses.flatMap(sendAs -> {
            try {
                return Stream.of(new Entry(sendAs.owner(), sendAs.address(), settings.get(sendAs.owner(), sendAs.address())));
            } catch (SendAsSettingsException removed) {
                return Stream.empty();
            }
        });
    }
}
