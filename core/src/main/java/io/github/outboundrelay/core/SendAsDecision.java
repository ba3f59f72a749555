package io.github.outboundrelay.core;

import java.util.Objects;
import java.util.Optional;

/**
 * Which way a mail written from an alternate address goes, decided once by {@link OutboundRelayRule} for SMTP
 * submission, JMAP, the matchers and the APIs' view of each address:
 * <ul>
 *     <li>{@link ThroughRelay}: the address's own relay (it has one, its owner's domain allows relays, and that
 *     relay's security);</li>
 *     <li>{@link ThroughOurServers}: the normal path, on behalf of the owner (envelope sender and {@code Sender:} the
 *     owner's own address): the address has no relay, or its relay is not allowed now;</li>
 *     <li>{@link NotSendAs}: not a send-as at all; the stock rules apply (submission refuses such a MAIL FROM).</li>
 * </ul>
 * Each has a {@link Reason}, what the APIs show as {@code pathReason}.
 */
public sealed interface SendAsDecision permits SendAsDecision.ThroughRelay, SendAsDecision.ThroughOurServers,
    SendAsDecision.NotSendAs {

    /** Why; {@link #apiName()} is what the APIs show. */
    enum Reason {
        /** Through the relay: it is set, and the domain allows relays (and this relay's security). */
        RELAY_ALLOWED("relayAllowed"),
        /** Through our servers: the address has no relay. */
        NO_RELAY("noRelay"),
        /** Through our servers: the address has a relay, but the domain does not allow relays (now). */
        RELAYS_OFF("relaysOff"),
        /** Through our servers: the relay has no TLS and the domain does not allow such relays. */
        INSECURE_RELAYS_OFF("insecureRelaysOff"),
        /** Not sent as: the address is not verified yet. */
        PENDING("pending"),
        /** Not sent as: the domain's admin turned alternate addresses off. */
        ALTERNATE_ADDRESSES_OFF("alternateAddressesOff"),
        /** Not sent as: the address is in one of our own domains (its mail is ours to send as any local address). */
        LOCAL_ADDRESS("localAddress"),
        /** Not sent as: no authenticated sender, or not an alternate address of theirs. */
        NOT_AN_ALTERNATE_ADDRESS("notAnAlternateAddress");

        private final String apiName;

        Reason(String apiName) {
            this.apiName = apiName;
        }

        public String apiName() {
            return apiName;
        }
    }

    Reason reason();

    /** {@code relay}, {@code ourServers} or {@code none}, as the APIs show it. */
    String path();

    /** The alternate address written from, unless it is no send-as. */
    Optional<SendAsAddress> sendAs();

    default boolean isSendAs() {
        return sendAs().isPresent();
    }

    record ThroughRelay(SendAsAddress address, RelayAccount account) implements SendAsDecision {
        public ThroughRelay {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(account, "account");
        }

        @Override
        public Optional<SendAsAddress> sendAs() {
            return Optional.of(address);
        }

        @Override
        public Reason reason() {
            return Reason.RELAY_ALLOWED;
        }

        @Override
        public String path() {
            return "relay";
        }
    }

    record ThroughOurServers(SendAsAddress address, Reason reason) implements SendAsDecision {
        public ThroughOurServers {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public Optional<SendAsAddress> sendAs() {
            return Optional.of(address);
        }

        @Override
        public String path() {
            return "ourServers";
        }
    }

    /** Held as one constant per reason: the decision for mail that is no send-as allocates nothing. */
    enum NotSendAs implements SendAsDecision {
        PENDING(Reason.PENDING),
        ALTERNATE_ADDRESSES_OFF(Reason.ALTERNATE_ADDRESSES_OFF),
        LOCAL_ADDRESS(Reason.LOCAL_ADDRESS),
        NOT_AN_ALTERNATE_ADDRESS(Reason.NOT_AN_ALTERNATE_ADDRESS);

        private final Reason reason;

        NotSendAs(Reason reason) {
            this.reason = reason;
        }

        @Override
        public Reason reason() {
            return reason;
        }

        @Override
        public String path() {
            return "none";
        }

        @Override
        public Optional<SendAsAddress> sendAs() {
            return Optional.empty();
        }
    }
}
