package io.github.outboundrelay.core.dmarc;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads the policy out of a name's TXT records as RFC 7489 (section 6.6.3) says: the records that begin with
 * {@code v=DMARC1}; exactly one must be there (none or several: no DMARC record). Its {@code p} tag is the policy;
 * for a subdomain answered by its organizational domain's record, the {@code sp} tag when present. A record whose
 * policy tag is missing or unknown counts as {@code none} (the RFC's fallback for a record with a valid {@code rua}:
 * we never tighten what the record does not clearly say).
 */
public final class DmarcRecord {
    private DmarcRecord() {
    }

    /**
     * @param txtRecords       the TXT strings of {@code _dmarc.<name>}
     * @param forASubdomain whether the record is its organizational domain's, looked up for a subdomain
     */
    public static Optional<DmarcPolicy> policyOf(Collection<String> txtRecords, boolean forASubdomain) {
        List<String> dmarc = txtRecords.stream()
            .map(DmarcRecord::unquoted)
            .filter(DmarcRecord::isDmarc)
            .toList();
        if (dmarc.size() != 1) {
            return Optional.empty();
        }
        Optional<String> policy = tag(dmarc.get(0), "p");
        if (forASubdomain) {
            policy = tag(dmarc.get(0), "sp").or(() -> tag(dmarc.get(0), "p"));
        }
        return Optional.of(policy.map(DmarcRecord::named).orElse(DmarcPolicy.NONE));
    }

    private static boolean isDmarc(String record) {
        return record.startsWith("v=DMARC1") && (record.length() == 8 || record.substring(8).trim().startsWith(";"));
    }

    private static Optional<String> tag(String record, String name) {
        for (String part : record.split(";")) {
            int equals = part.indexOf('=');
            if (equals > 0 && part.substring(0, equals).trim().equalsIgnoreCase(name)) {
                return Optional.of(part.substring(equals + 1).trim().toLowerCase(Locale.ROOT));
            }
        }
        return Optional.empty();
    }

    private static DmarcPolicy named(String value) {
        return switch (value) {
            case "reject" -> DmarcPolicy.REJECT;
            case "quarantine" -> DmarcPolicy.QUARANTINE;
            default -> DmarcPolicy.NONE;
        };
    }

    /**
     * dnsjava's {@code TXTRecord.rdataToString()}, which James's {@code findTXTRecords} returns, quotes each string of
     * the record ({@code "v=DMARC1; p=reject"}) and puts a space between the strings of a long one: joined back here.
     */
    static String unquoted(String rdata) {
        String trimmed = rdata.trim();
        if (!trimmed.startsWith("\"")) {
            return trimmed;
        }
        StringBuilder joined = new StringBuilder();
        boolean inString = false;
        boolean escaped = false;
        for (char c : trimmed.toCharArray()) {
            if (escaped) {
                joined.append(c);
                escaped = false;
            } else if (c == '\\' && inString) {
                escaped = true;
            } else if (c == '"') {
                inString = !inString;
            } else if (inString) {
                joined.append(c);
            }
        }
        return joined.toString();
    }
}
