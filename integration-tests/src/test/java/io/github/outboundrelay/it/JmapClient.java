package io.github.outboundrelay.it;

import static io.restassured.RestAssured.given;

import java.util.List;
import java.util.Map;

import org.apache.james.GuiceJamesServer;
import org.apache.james.jmap.draft.JmapGuiceProbe;

import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

/**
 * A user's JMAP (RFC 8621) session over plain HTTP with Basic authentication, as a web client speaks it: the session
 * resource, then method calls on the API endpoint. Answers are read as JSON, nothing of James's JMAP classes.
 */
final class JmapClient {
    static final List<String> USING = List.of("urn:ietf:params:jmap:core", "urn:ietf:params:jmap:mail",
        "urn:ietf:params:jmap:submission");

    private final RequestSpecification spec;
    private final String accountId;

    private JmapClient(RequestSpecification spec, String accountId) {
        this.spec = spec;
        this.accountId = accountId;
    }

    /** Opens {@code user}'s session (which also creates their default mailboxes, Drafts among them). */
    static JmapClient login(GuiceJamesServer server, String user, String password) {
        RequestSpecification spec = new RequestSpecBuilder()
            .setBaseUri("http://127.0.0.1")
            .setPort(server.getProbe(JmapGuiceProbe.class).getJmapPort().getValue())
            .setAuth(RestAssured.preemptive().basic(user, password))
            .setContentType(ContentType.JSON)
            .addHeader("Accept", "application/json; jmapVersion=rfc-8621")
            .build();
        String accountId = given().spec(spec).get("/jmap/session")
            .then().statusCode(200)
            .extract().jsonPath().getString("primaryAccounts.'urn:ietf:params:jmap:mail'");
        return new JmapClient(spec, accountId);
    }

    /** The e-mail address and name of every identity the user may send as. */
    List<Map<String, Object>> identities() {
        return call(List.of(List.of("Identity/get", Map.of("accountId", accountId), "i")))
            .getList("methodResponses[0][1].list");
    }

    List<String> identityAddresses() {
        return identities().stream().map(identity -> (String) identity.get("email")).toList();
    }

    /**
     * Creates a draft from {@code from} to {@code to} in the Drafts mailbox and submits it with that envelope, in one
     * request (the submission refers to the draft by its creation id).
     *
     * @return the EmailSubmission/set response: {@code created.s} when accepted, {@code notCreated.s} otherwise
     */
    JsonPath sendDraft(String from, String to, String subject) {
        String drafts = draftsMailboxId();
        Map<String, Object> draft = Map.of(
            "mailboxIds", Map.of(drafts, true),
            "from", List.of(Map.of("email", from)),
            "to", List.of(Map.of("email", to)),
            "subject", subject,
            "bodyValues", Map.of("b", Map.of("value", "Sent from a JMAP client as " + from)),
            "textBody", List.of(Map.of("partId", "b", "type", "text/plain")));
        Map<String, Object> submission = Map.of(
            "emailId", "#e",
            "envelope", Map.of("mailFrom", Map.of("email", from), "rcptTo", List.of(Map.of("email", to))));
        JsonPath answer = call(List.of(
            List.of("Email/set", Map.of("accountId", accountId, "create", Map.of("e", draft)), "c1"),
            List.of("EmailSubmission/set", Map.of("accountId", accountId, "create", Map.of("s", submission)), "c2")));
        if (answer.getMap("methodResponses[0][1].created.e") == null) {
            throw new IllegalStateException("The draft was not created: " + answer.prettify());
        }
        return answer.setRootPath("methodResponses[1][1]");
    }

    private String draftsMailboxId() {
        return call(List.of(List.of("Mailbox/get", Map.of("accountId", accountId), "m")))
            .getString("methodResponses[0][1].list.find { it.role == 'drafts' }.id");
    }

    private JsonPath call(List<List<Object>> methodCalls) {
        return given().spec(spec)
            .body(Map.of("using", USING, "methodCalls", methodCalls))
            .post("/jmap")
            .then().statusCode(200)
            .extract().jsonPath();
    }
}
