package io.github.outboundrelay.it;

import static io.github.outboundrelay.it.RelayScenario.subjectsAt;
import static io.github.outboundrelay.it.RelayScenario.uniqueSubject;
import static io.github.outboundrelay.it.SendAsFixture.ALICE;
import static io.github.outboundrelay.it.SendAsFixture.SEND_AS;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.Map;

import javax.mail.MessagingException;

import org.apache.james.GuiceJamesServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.restassured.specification.RequestSpecification;

/**
 * A user deleted through James's own WebAdmin loses its send-as addresses at the next {@code DeletedUserSweep}
 * (shipped enabled, its interval shortened here), and a re-created user of the same name cannot relay as them.
 */
class DeletedUserSweepIntegrationTest {
    @RegisterExtension
    static final SendAsFixture FIXTURE = new SendAsFixture(conf -> conf
        .edit("outbound-relay.properties", "#deletedUserSweep.interval=1h", "deletedUserSweep.interval=1s"));

    @Test
    void aDeletedUsersVerifiedAddressIsSweptAndARecreatedUserCannotRelayAsIt(GuiceJamesServer server) throws Exception {
        RelayScenario scenario = FIXTURE.scenario();
        RequestSpecification admin = OutboundRelayJames.webAdmin(server);
        FIXTURE.registerAlicesAddress();
        assertThat(domainSendAs(admin)).contains(SEND_AS);

        given().spec(admin).delete("/users/" + ALICE).then().statusCode(204);

        await().atMost(RelayScenario.PATIENCE).until(() -> !domainSendAs(admin).contains(SEND_AS));
        assertThat(given().spec(admin).queryParam("user", ALICE).queryParam("type", "settings")
            .get("/outbound-relay/audit").then().statusCode(200).extract().jsonPath().getList("findAll { it.event == 'send-as-removed' }.detail", String.class))
            .singleElement().asString().contains("no longer exists");

        given().spec(admin).body(Map.of("password", OutboundRelayJames.PASSWORD)).put("/users/" + ALICE).then().statusCode(204);
        String subject = uniqueSubject();

        // The re-created alice has no such address: MAIL FROM is refused like any address she may not use.
        assertThatThrownBy(() -> scenario.submissionAs(ALICE, SEND_AS).subject(subject).send())
            .isInstanceOf(MessagingException.class).hasStackTraceContaining("503");
        assertThat(subjectsAt(FIXTURE.partner())).doesNotContain(subject);
        assertThat(subjectsAt(FIXTURE.gateway())).doesNotContain(subject);
    }

    private static List<String> domainSendAs(RequestSpecification admin) {
        return given().spec(admin).get("/outbound-relay/domains/" + OutboundRelayJames.DOMAIN + "/send-as")
            .then().statusCode(200).extract().jsonPath().getList("sendAs.address", String.class);
    }
}
