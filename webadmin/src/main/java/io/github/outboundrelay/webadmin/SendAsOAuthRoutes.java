package io.github.outboundrelay.webadmin;

import java.util.Optional;

import javax.inject.Inject;

import org.eclipse.jetty.http.HttpStatus;

import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.settings.Actor;
import io.github.outboundrelay.core.settings.JsonBodies.WrongType;
import io.github.outboundrelay.core.settings.OAuthDeviceConnections;
import spark.Request;
import spark.Response;
import spark.Service;

/**
 * Connecting a send-as address to an OAuth account from the admin API, with the device authorization grant (RFC 8628):
 * <ul>
 *     <li>{@code POST /outbound-relay/users/{user}/send-as/{address}/oauth/device} with
 *     {@code {"provider": "<id>", "username": "<account at the provider>", "verified": false}}: 202 with
 *     {@code userCode}, {@code verificationUri} (and {@code verificationUriComplete}, {@code expiresAt}); the user
 *     enters the code there, and the address is then saved with the grant in the background (relay test with a
 *     token, then the code mail, as for a password);</li>
 *     <li>{@code GET} the same path: {@code state} {@code waiting}, {@code connected} (with the saved address) or
 *     {@code failed} (with why); 404 when none was started.</li>
 * </ul>
 * Registered in webadmin.properties {@code extensions.routes} next to {@link OutboundRelayRoutes}.
 */
public class SendAsOAuthRoutes extends AdminApiRoutes {
    private static final String DEVICE = OutboundRelayRoutes.BASE + "/users/:user/send-as/:address/oauth/device";

    private final AdminRequests requests;
    private final OAuthDeviceConnections connections;

    @Inject
    SendAsOAuthRoutes(AdminRequests requests, OAuthDeviceConnections connections) {
        super(OutboundRelayRoutes.BASE, requests.guard());
        this.requests = requests;
        this.connections = connections;
    }

    @Override
    void defineRoutes(Service service) {
        post(service, DEVICE, this::start);
        get(service, DEVICE, (request, response) ->
            connections.status(requests.knownUser(request), AdminRequests.address(request))
                .orElseThrow(() -> ApiErrors.notFound("No device authorization was started for this address")));
    }

    /** The body of the POST: the provider's id and the account there are required strings. */
    record DeviceStart(@WrongType(REQUIRED_STRING) String provider, @WrongType(REQUIRED_STRING) String username,
                       Boolean verified) {
        private static final String REQUIRED_STRING = "is required (a string)";

        DeviceStart {
            requiredString("provider", provider);
            requiredString("username", username);
        }

        private static void requiredString(String field, String value) {
            if (value == null || value.isBlank()) {
                throw new InvalidFieldException(field, REQUIRED_STRING);
            }
        }
    }

    private OAuthDeviceConnections.Started start(Request request, Response response) {
        DeviceStart body = AdminRequests.body(request, DeviceStart.class);
        OAuthDeviceConnections.Started started = connections.start(Actor.ADMIN, requests.knownUser(request),
            AdminRequests.address(request), body.provider(), body.username(), Optional.ofNullable(body.verified()));
        response.status(HttpStatus.ACCEPTED_202);
        return started;
    }
}
