package io.github.outboundrelay.webadmin;

import io.github.outboundrelay.core.DomainRelayPolicy;

record DomainPolicyView(String domain, boolean allowed, boolean allowInsecure, boolean allowAlternateAddresses,
                        boolean checkDmarc) {
    static DomainPolicyView of(DomainRelayPolicy policy) {
        return new DomainPolicyView(policy.domain().asString(), policy.relayAllowed(), policy.insecureRelayAllowed(),
            policy.alternateAddressesAllowed(), policy.dmarcCheck());
    }
}
