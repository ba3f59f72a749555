package io.github.outboundrelay.core.dmarc;

import org.apache.james.core.Domain;

/**
 * Where the DMARC policy of an alternate address's domain comes from (a port: {@link DnsDmarcPolicies} asks James's
 * DNS service). Never throws: a lookup that fails or takes too long is {@link DmarcPolicy#UNKNOWN}.
 */
public interface DmarcPolicies {
    /** The policy, waiting for the lookup at most its timeout (a cached answer at once). */
    DmarcPolicy lookup(Domain domain);

    /**
     * The policy known now, without waiting: a cached answer, or {@link DmarcPolicy#UNKNOWN} while a lookup started
     * in the background is under way (for views that list many addresses).
     */
    DmarcPolicy known(Domain domain);
}
