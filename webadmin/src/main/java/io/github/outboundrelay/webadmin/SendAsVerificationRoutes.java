package io.github.outboundrelay.webadmin;

import java.util.Set;

import javax.inject.Inject;

import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.utils.JsonTransformer;
import org.eclipse.jetty.http.HttpStatus;

import com.fasterxml.jackson.databind.JsonNode;

import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.verification.SendAsStatus;
import io.github.outboundrelay.core.verification.SendAsVerifier;
import spark.Request;
import spark.Response;
import spark.Service;

/**
 * Verification of a pending send-as address:
 * <ul>
 *     <li>{@code POST /outbound-relay/users/{user}/send-as/{address}/verification}: mails a new code through the
 *     relay (202; 409 when already verified; 429 past the daily cap; 422 when the relay does not take it);</li>
 *     <li>{@code POST /outbound-relay/users/{user}/send-as/{address}/confirm} with {@code {"code": "..."}}: 200 and
 *     {@code "status": "verified"} for the right code; 400 naming {@code code} when it is wrong or expired; 409 when
 *     locked after too many wrong codes or when no code is pending;</li>
 *     <li>{@code POST /outbound-relay/users/{user}/send-as/{address}/test}: tries the relay again now (connect, TLS,
 *     AUTH, no mail): 200 {@code {"result": "ok"}}, or 422 with a reason class.</li>
 * </ul>
 * Registered in webadmin.properties {@code extensions.routes} next to {@link OutboundRelayRoutes}.
 */
public class SendAsVerificationRoutes implements Routes {
    private static final String SEND_AS = OutboundRelayRoutes.BASE + "/users/:user/send-as/:address";

    private final AdminRequests requests;
    private final SendAsVerifier verifier;
    private final SendAsVerificationFlow verification;
    private final JsonTransformer json = new JsonTransformer();

    @Inject
    SendAsVerificationRoutes(AdminRequests requests, SendAsVerifier verifier, SendAsVerificationFlow verification) {
        this.requests = requests;
        this.verifier = verifier;
        this.verification = verification;
    }

    @Override
    public String getBasePath() {
        return OutboundRelayRoutes.BASE;
    }

    @Override
    public void define(Service service) {
        requests.protect(service);
        service.post(SEND_AS + "/verification", ApiErrors.validated(this::resend), json);
        service.post(SEND_AS + "/confirm", ApiErrors.validated((request, response) -> confirm(request)), json);
        service.post(SEND_AS + "/test", ApiErrors.validated((request, response) -> test(request)), json);
    }

    private SendAsView resend(Request request, Response response) {
        SendAsAddress sendAs = requests.ownedSendAs(request);
        if (verifier.isVerified(sendAs)) {
            throw ApiErrors.conflict(sendAs.address().asString() + " is already verified");
        }
        verification.sendCode(sendAs);
        response.status(HttpStatus.ACCEPTED_202);
        return SendAsView.of(sendAs, SendAsStatus.PENDING);
    }

    /** Re-runs the relay test on demand (connect, TLS, AUTH, no mail): 200 when it passes, 422 with a reason class. */
    private TestResult test(Request request) {
        SendAsAddress sendAs = requests.ownedSendAs(request);
        verification.requireWorkingRelay(sendAs, verification.openPassword(sendAs));
        return new TestResult(sendAs.address().asString(), sendAs.relay().host(), "ok");
    }

    record TestResult(String address, String relayHost, String result) {
    }

    private SendAsView confirm(Request request) {
        SendAsAddress sendAs = requests.ownedSendAs(request);
        String code = code(requests.body(request));
        SendAsVerifier.ConfirmResult result = verifier.confirm(sendAs, code);
        return switch (result.outcome()) {
            case VERIFIED -> SendAsView.of(sendAs, SendAsStatus.VERIFIED);
            case WRONG_CODE -> throw new InvalidFieldException("code", "does not match (" + result.triesLeft()
                + " tries left for this code)");
            case EXPIRED -> throw new InvalidFieldException("code", "has expired: ask for a new one with POST .../verification");
            case LOCKED -> throw ApiErrors.conflict("Too many wrong codes for " + sendAs.address().asString()
                + ": ask for a new one with POST .../verification");
            case NOTHING_TO_CONFIRM -> throw ApiErrors.conflict("No code is pending for " + sendAs.address().asString()
                + " (already verified, or none was sent)");
        };
    }

    private static String code(JsonNode body) {
        body.fieldNames().forEachRemaining(name -> {
            if (!Set.of("code").contains(name)) {
                throw new InvalidFieldException(name, "is not a known field (expected code)");
            }
        });
        JsonNode code = body.get("code");
        if (code == null || !code.isTextual() || code.textValue().isBlank()) {
            throw new InvalidFieldException("code", "is required");
        }
        return code.textValue();
    }
}
