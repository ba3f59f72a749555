package io.github.outboundrelay.webadmin;

import io.github.outboundrelay.core.DomainRelayPolicy;
import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.settings.JsonBodies.WrongType;

/**
 * The body of {@code PUT /outbound-relay/domains/{domain}}: {@code allowed} is required; {@code allowInsecure} left
 * out is off; {@code allowAlternateAddresses} and {@code checkDmarc} left out keep their values, so that a client of
 * the older fields never turns them back on or off. No switch may be {@code null}.
 */
record PolicyRequest(@WrongType("is required and must be true or false") Boolean allowed, Boolean allowInsecure,
                     Boolean allowAlternateAddresses, Boolean checkDmarc) {
    PolicyRequest {
        if (allowed == null) {
            throw new InvalidFieldException("allowed", "is required and must be true or false");
        }
    }

    DomainRelayPolicy toPolicy(DomainRelayPolicy current) {
        return new DomainRelayPolicy(current.domain(), allowed, Boolean.TRUE.equals(allowInsecure),
            allowAlternateAddresses != null ? allowAlternateAddresses : current.alternateAddressesAllowed(),
            checkDmarc != null ? checkDmarc : current.dmarcCheck());
    }
}
