package io.github.outboundrelay.core.settings;

import io.github.outboundrelay.core.DomainRelayPolicy;
import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.settings.JsonBodies.WrongType;

/**
 * A change of a domain's relay policy, from WebAdmin's {@code PUT /outbound-relay/domains/{domain}} body or the admin
 * page's form ({@link #ofForm}): {@code allowed} is required; {@code allowInsecure} left out is off;
 * {@code allowAlternateAddresses} and {@code checkDmarc} left out keep their values, so that a client of the older
 * fields never turns them back on or off. No switch may be {@code null} in a JSON body.
 */
public record PolicyRequest(@WrongType("is required and must be true or false") Boolean allowed, Boolean allowInsecure,
                     Boolean allowAlternateAddresses, Boolean checkDmarc) {
    public PolicyRequest {
        if (allowed == null) {
            throw new InvalidFieldException("allowed", "is required and must be true or false");
        }
    }

    /** A form's checkboxes: an unchecked box is not sent at all, so every switch is given, checked or not. */
    public static PolicyRequest ofForm(boolean allowed, boolean allowInsecure, boolean allowAlternateAddresses,
                                       boolean checkDmarc) {
        return new PolicyRequest(allowed, allowInsecure, allowAlternateAddresses, checkDmarc);
    }

    /** The policy this request makes of {@code current}. */
    public DomainRelayPolicy toPolicy(DomainRelayPolicy current) {
        return new DomainRelayPolicy(current.domain(), allowed, Boolean.TRUE.equals(allowInsecure),
            allowAlternateAddresses != null ? allowAlternateAddresses : current.alternateAddressesAllowed(),
            checkDmarc != null ? checkDmarc : current.dmarcCheck());
    }
}
