package io.github.outboundrelay.webadmin;

import java.util.Optional;
import java.util.Set;

import javax.inject.Inject;

import org.eclipse.jetty.http.HttpStatus;

import com.fasterxml.jackson.databind.JsonNode;

import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.settings.Actor;
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
    private static final Set<String> FIELDS = Set.of("provider", "username", "verified");

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

    private OAuthDeviceConnections.Started start(Request request, Response response) {
        JsonNode body = requests.body(request);
        body.fieldNames().forEachRemaining(name -> {
            if (!FIELDS.contains(name)) {
                throw new InvalidFieldException(name, "is not a known field (expected provider, username, verified)");
            }
        });
        JsonNode verified = body.get("verified");
        if (verified != null && !verified.isBoolean()) {
            throw new InvalidFieldException("verified", "must be true or false");
        }
        OAuthDeviceConnections.Started started = connections.start(Actor.ADMIN, requests.knownUser(request),
            AdminRequests.address(request), text(body, "provider"), text(body, "username"),
            verified == null ? Optional.empty() : Optional.of(verified.booleanValue()));
        response.status(HttpStatus.ACCEPTED_202);
        return started;
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || !value.isTextual() || value.textValue().isBlank()) {
            throw new InvalidFieldException(field, "is required (a string)");
        }
        return value.textValue();
    }
}
