package io.github.outboundrelay.selfservice;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The view of "Who sends as what" ({@code admin-send-as.mustache}): the filters (domain, user, status) as a GET form,
 * one row per send-as address of the page with its status, relay, credential kind and last outcome, and one POST form
 * per action the address offers (vouch, send a new code, test the relay, remove), each carrying the filters back
 * ({@code back}) so that the admin returns to the same page. A row's {@code error} is the refusal of its last action.
 */
record AdminSendAsPage(AdminArea.Header header, String domain, List<SendAsPage.Field> filters, List<Row> rows,
                       Paging paging, Back back) {

    record Row(String id, String user, String address, String displayName, String status, String statusClass,
               String relay, String security, String credential, String lastOutcome, When lastAt, String error,
               List<Action> actions, String dmarcWarning) {
    }

    /** An instant, as the page writes it and as {@code <time datetime>} holds it. */
    record When(String iso, String text) {
        private static final DateTimeFormatter TEXT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

        static When of(Instant instant) {
            return new When(instant.toString(), TEXT.format(instant));
        }
    }

    /** A POST form of one button: {@code path} under /admin/send-as/. */
    record Action(String path, String label) {
    }

    /** Where the page is ("Addresses 51–100 of 1234") and the links to the pages around it (null: none). */
    record Paging(String summary, String previous, String next) {
    }

    /** The filters of the page, sent back with each action. */
    record Back(String domain, String user, String status, int page) {
    }

    String csrf() {
        return header.csrf();
    }

    boolean any() {
        return !rows.isEmpty();
    }
}
