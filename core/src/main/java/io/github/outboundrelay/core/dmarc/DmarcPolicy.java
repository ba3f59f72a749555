package io.github.outboundrelay.core.dmarc;

/**
 * What a domain's DMARC record (RFC 7489, {@code _dmarc.<domain>} TXT) asks receivers to do with mail that carries its
 * name in {@code From:} but was not sent (SPF) nor signed (DKIM) by its own servers: exactly the mail our servers send
 * for an alternate address without its relay.
 */
public enum DmarcPolicy {
    /** {@code p=reject}: receivers drop it. */
    REJECT("reject", 2),
    /** {@code p=quarantine}: receivers file it as spam. */
    QUARANTINE("quarantine", 1),
    /** {@code p=none}: monitoring only. */
    NONE("none", 0),
    /** No DMARC record for the domain nor its organizational domain. */
    NO_RECORD("noRecord", 0),
    /** The lookup failed or did not answer in time: checked again later. */
    UNKNOWN("unknown", -1);

    private final String apiName;
    private final int strictness;

    DmarcPolicy(String apiName, int strictness) {
        this.apiName = apiName;
        this.strictness = strictness;
    }

    /** What the APIs show as {@code dmarcPolicy}. */
    public String apiName() {
        return apiName;
    }

    public boolean isKnown() {
        return this != UNKNOWN;
    }

    /** Whether receivers are asked to reject or quarantine such mail. */
    public boolean harmsMailFromOurServers() {
        return strictness > 0;
    }

    /** Whether this policy is known and asks more of receivers than {@code before} (an unknown one counts as none). */
    public boolean isStricterThan(DmarcPolicy before) {
        return isKnown() && strictness > Math.max(before.strictness, 0);
    }
}
