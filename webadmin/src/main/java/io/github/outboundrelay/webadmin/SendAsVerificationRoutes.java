package io.github.outboundrelay.webadmin;

import javax.inject.Inject;

import org.eclipse.jetty.http.HttpStatus;

import io.github.outboundrelay.core.settings.Actor;
import io.github.outboundrelay.core.settings.SendAsSettings;
import io.github.outboundrelay.core.settings.SendAsView;
import io.github.outboundrelay.core.settings.CodeRequest;
import spark.Request;
import spark.Response;
import spark.Service;

/**
 * Verification of a pending send-as address, through {@link SendAsSettings}:
 * <ul>
 *     <li>{@code POST /outbound-relay/users/{user}/send-as/{address}/verification}: mails a new code (202; 409 when
 *     already verified; 429 past the daily cap; 422 when the mail cannot be sent);</li>
 *     <li>{@code POST /outbound-relay/users/{user}/send-as/{address}/confirm} with {@code {"code": "..."}}: 200 and
 *     {@code "status": "verified"} for the right code; 400 naming {@code code} when it is wrong or expired; 409 when
 *     locked after too many wrong codes or when no code is pending;</li>
 *     <li>{@code POST /outbound-relay/users/{user}/send-as/{address}/test}: tries the relay again now (connect, TLS,
 *     AUTH, no mail): 200 {@code {"result": "ok"}}, or 422 with a reason class.</li>
 * </ul>
 * Registered in webadmin.properties {@code extensions.routes} next to {@link OutboundRelayRoutes}.
 */
public class SendAsVerificationRoutes extends AdminApiRoutes {
    private static final String SEND_AS = OutboundRelayRoutes.BASE + "/users/:user/send-as/:address";

    private final AdminRequests requests;
    private final SendAsSettings settings;

    @Inject
    SendAsVerificationRoutes(AdminRequests requests, SendAsSettings settings) {
        super(OutboundRelayRoutes.BASE, requests.guard());
        this.requests = requests;
        this.settings = settings;
    }

    @Override
    void defineRoutes(Service service) {
        post(service, SEND_AS + "/verification", this::resend);
        post(service, SEND_AS + "/confirm", (request, response) ->
            settings.confirm(Actor.ADMIN, requests.knownUser(request), AdminRequests.address(request),
                CodeRequest.parse(request.body())));
        post(service, SEND_AS + "/test", (request, response) ->
            settings.test(Actor.ADMIN, requests.knownUser(request), AdminRequests.address(request)));
    }

    private SendAsView resend(Request request, Response response) {
        SendAsView view = settings.resendCode(Actor.ADMIN, requests.knownUser(request), AdminRequests.address(request));
        response.status(HttpStatus.ACCEPTED_202);
        return view;
    }
}
