package io.github.outboundrelay.selfservice;

import java.util.List;

/**
 * The view of "What happened" ({@code admin-audit.mustache}): the relay health at the top, the filters (user, address,
 * type, from and to dates) as a GET form, and one row per entry of the audit trail, oldest first: relay attempts and
 * configuration events, with who did what.
 */
record AdminAuditPage(AdminArea.Header header, Health health, List<SendAsPage.Field> filters, List<Entry> entries,
                      AdminSendAsPage.Paging paging) {

    /** The relay health check as WebAdmin's /healthcheck shows it: {@code status} healthy, degraded or unhealthy. */
    record Health(String status, String text) {
    }

    /**
     * One entry: when, its kind ("relay attempt", "configuration"), what happened in words, who (the submitting user
     * of an attempt; "user", "admin &lt;name&gt;" or "admin (WebAdmin)" for an event), the user and address concerned
     * and the details.
     */
    record Entry(AdminSendAsPage.When at, String kind, String kindClass, String what, String who, String user,
                 String address, String detail) {
    }

    boolean any() {
        return !entries.isEmpty();
    }
}
