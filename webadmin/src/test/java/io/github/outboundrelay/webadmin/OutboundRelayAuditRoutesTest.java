package io.github.outboundrelay.webadmin;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.webadmin.WebAdminServer;
import org.apache.james.webadmin.WebAdminUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.outboundrelay.core.AuditTrail;
import io.github.outboundrelay.core.RelayAttempt;
import io.github.outboundrelay.core.SettingsEvent;
import io.github.outboundrelay.core.settings.Actor;
import io.github.outboundrelay.core.store.memory.InMemoryRelayAttemptLog;
import io.github.outboundrelay.core.store.memory.InMemorySettingsEventLog;
import io.restassured.specification.RequestSpecification;

/** {@code GET /outbound-relay/audit}: both kinds in one list, each with its type; the type filter; paging over both. */
class OutboundRelayAuditRoutesTest {
    static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
    static final Username ALICE = Username.of("alice@ourdomain.test");

    InMemoryRelayAttemptLog attempts = new InMemoryRelayAttemptLog();
    InMemorySettingsEventLog events = new InMemorySettingsEventLog();
    WebAdminServer server;
    RequestSpecification admin;

    @BeforeEach
    void setUp() {
        server = WebAdminUtils.createWebAdminServer(new OutboundRelayAuditRoutes(new AuditTrail(attempts, events), AdminApiGuard.loopbackOnly())).start();
        admin = WebAdminUtils.buildRequestSpecification(server).build();
    }

    @AfterEach
    void tearDown() {
        server.destroy();
    }

    @Test
    void attemptsAndConfigurationEventsAreListedTogetherEachWithItsType() throws Exception {
        events.record(new SettingsEvent(T0, Actor.admin(Username.of("root@ourdomain.test")), SettingsEvent.Type.DOMAIN_POLICY_CHANGED, Optional.empty(),
            Optional.empty(), Optional.of(Domain.of("ourdomain.test")), "allowed false -> true, allowInsecure false -> false"));
        events.record(new SettingsEvent(T0.plusSeconds(1), Actor.USER, SettingsEvent.Type.SEND_AS_ADDED, Optional.of(ALICE),
            Optional.of(new MailAddress("alice@partner.test")), Optional.empty(), "smtp.partner.test:587 STARTTLS"));
        attempts.record(new RelayAttempt(T0.plusSeconds(2), ALICE, new MailAddress("alice@partner.test"), "smtp.partner.test",
            587, "<m1@ourdomain.test>", 1, io.github.outboundrelay.core.RelayOutcome.Kind.DELIVERED, Optional.of(250)));

        given().spec(admin).get("/outbound-relay/audit").then().statusCode(200)
            .body("type", contains("settings", "settings", "relay-attempt"))
            .body("[0].event", equalTo("domain-policy-changed"))
            .body("[0].actor", equalTo("admin"))
            .body("[0].actorName", equalTo("root@ourdomain.test"))
            .body("[0].domain", equalTo("ourdomain.test"))
            .body("[0].user", nullValue())
            .body("[0].detail", equalTo("allowed false -> true, allowInsecure false -> false"))
            .body("[1].event", equalTo("send-as-added"))
            .body("[1].actor", equalTo("user"))
            .body("[1].actorName", nullValue())
            .body("[1].user", equalTo("alice@ourdomain.test"))
            .body("[1].sendAs", equalTo("alice@partner.test"))
            .body("[1].at", equalTo("2026-11-28T10:00:01Z"))
            .body("[2].outcome", equalTo("DELIVERED"))
            .body("[2].relayPort", equalTo(587))
            .body("[2].recipients", equalTo(1));
        given().spec(admin).queryParam("type", "relay-attempt").get("/outbound-relay/audit").then().statusCode(200)
            .body("type", contains("relay-attempt"));
        given().spec(admin).queryParam("type", "settings").queryParam("user", "alice@ourdomain.test")
            .get("/outbound-relay/audit").then().statusCode(200).body("event", contains("send-as-added"));
        given().spec(admin).queryParam("since", "2026-11-28T10:00:01Z").get("/outbound-relay/audit").then().statusCode(200)
            .body("type", contains("settings", "relay-attempt"));
    }

    @Test
    void pagesWalkBothKindsWithoutRepeatingOrSkipping() throws Exception {
        List<String> expected = new ArrayList<>();
        for (int index = 0; index < 25; index++) {
            Instant at = T0.plusSeconds(index / 2);
            if (index % 3 == 0) {
                events.record(new SettingsEvent(at, Actor.ADMIN, SettingsEvent.Type.SEND_AS_REMOVED, Optional.of(ALICE),
                    Optional.of(new MailAddress("a" + index + "@partner.test")), Optional.empty(), ""));
            } else {
                attempts.record(new RelayAttempt(at, ALICE, new MailAddress("a" + index + "@partner.test"), "smtp.partner.test",
                    587, "", 1, io.github.outboundrelay.core.RelayOutcome.Kind.DELIVERED, Optional.of(250)));
            }
        }
        for (int index = 0; index < 25; index++) {
            expected.add("a" + index + "@partner.test");
        }
        // of one instant, attempts come before events: the expected order is by instant, then kind
        expected.sort(java.util.Comparator.comparing((String address) -> Integer.parseInt(address.substring(1, address.indexOf('@'))) / 2)
            .thenComparing(address -> Integer.parseInt(address.substring(1, address.indexOf('@'))) % 3 == 0));

        List<String> paged = new ArrayList<>();
        for (int offset = 0; offset < 30; offset += 4) {
            paged.addAll(given().spec(admin).queryParam("offset", offset).queryParam("limit", 4).get("/outbound-relay/audit")
                .then().statusCode(200).extract().jsonPath().getList("sendAs", String.class));
        }

        assertThat(paged).containsExactlyElementsOf(expected);
    }

    @Test
    void anUnknownTypeIsRefusedNamingTheField() {
        given().spec(admin).queryParam("type", "password").get("/outbound-relay/audit").then().statusCode(400)
            .body("message", equalTo("'type' must be relay-attempt or settings"));
    }
}
