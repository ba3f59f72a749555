package io.github.outboundrelay.core.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.james.core.Domain;
import org.junit.jupiter.api.Test;

class DmarcRecordTest {
    @Test
    void thePolicyTagOfTheOneDmarcRecord() {
        assertThat(DmarcRecord.policyOf(List.of("\"v=spf1 -all\"", "\"v=DMARC1; p=reject; rua=mailto:d@x.test\""), false))
            .contains(DmarcPolicy.REJECT);
        assertThat(DmarcRecord.policyOf(List.of("v=DMARC1;p=Quarantine"), false)).contains(DmarcPolicy.QUARANTINE);
    }

    @Test
    void aLongRecordSplitInStringsIsJoined() {
        assertThat(DmarcRecord.policyOf(List.of("\"v=DMARC1; p=rej\" \"ect\""), false)).contains(DmarcPolicy.REJECT);
    }

    @Test
    void noneOrSeveralDmarcRecordsAreNoRecord() {
        assertThat(DmarcRecord.policyOf(List.of("\"v=spf1 -all\""), false)).isEmpty();
        assertThat(DmarcRecord.policyOf(List.of("v=DMARC1; p=reject", "v=DMARC1; p=none"), false)).isEmpty();
        assertThat(DmarcRecord.policyOf(List.of("v=DMARC10; p=reject"), false)).isEmpty();
    }

    @Test
    void aMissingOrUnknownPolicyCountsAsNone() {
        assertThat(DmarcRecord.policyOf(List.of("v=DMARC1; rua=mailto:d@x.test"), false)).contains(DmarcPolicy.NONE);
        assertThat(DmarcRecord.policyOf(List.of("v=DMARC1; p=drop"), false)).contains(DmarcPolicy.NONE);
    }

    @Test
    void aSubdomainTakesTheSubdomainPolicyWhenThereIsOne() {
        assertThat(DmarcRecord.policyOf(List.of("v=DMARC1; p=none; sp=quarantine"), true)).contains(DmarcPolicy.QUARANTINE);
        assertThat(DmarcRecord.policyOf(List.of("v=DMARC1; p=none; sp=quarantine"), false)).contains(DmarcPolicy.NONE);
        assertThat(DmarcRecord.policyOf(List.of("v=DMARC1; p=reject"), true)).contains(DmarcPolicy.REJECT);
    }

    @Test
    void theOrganizationalDomainFromThePublicSuffixList() {
        assertThat(DnsDmarcPolicies.organizationalDomainOf(Domain.of("mail.example.co.uk"))).contains("example.co.uk");
        assertThat(DnsDmarcPolicies.organizationalDomainOf(Domain.of("example.co.uk"))).isEmpty();
        assertThat(DnsDmarcPolicies.organizationalDomainOf(Domain.of("a.b.partner.test"))).contains("partner.test");
        assertThat(DnsDmarcPolicies.organizationalDomainOf(Domain.of("partner.test"))).isEmpty();
    }

    @Test
    void strictness() {
        assertThat(DmarcPolicy.REJECT.isStricterThan(DmarcPolicy.QUARANTINE)).isTrue();
        assertThat(DmarcPolicy.QUARANTINE.isStricterThan(DmarcPolicy.UNKNOWN)).isTrue();
        assertThat(DmarcPolicy.QUARANTINE.isStricterThan(DmarcPolicy.REJECT)).isFalse();
        assertThat(DmarcPolicy.UNKNOWN.isStricterThan(DmarcPolicy.NONE)).isFalse();
    }
}
