package io.github.outboundrelay.selfservice;

import java.util.List;

/**
 * The view of the admin area's first page ({@code admin-domains.mustache}): per James domain, "Allow users to send
 * mail as their other addresses", the seed's switch ("Allow users to send mail through an external SMTP ..."), "Allow
 * relays without TLS", "Check the other domain's DMARC policy", Save changes, and a link to who sends as what in the domain. {@code error} is a refusal of that domain's form (null: none).
 */
record AdminDomainsPage(AdminArea.Header header, List<Domain> domains) {

    record Domain(String id, String domain, boolean allowAlternateAddresses, boolean allowed, boolean allowInsecure,
                  boolean checkDmarc, String error, String sendAs) {
    }

    /** The forms' token (each form is inside a domain, the token is the page's). */
    String csrf() {
        return header.csrf();
    }
}
