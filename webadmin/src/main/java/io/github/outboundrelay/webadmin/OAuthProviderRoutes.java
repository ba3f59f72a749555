package io.github.outboundrelay.webadmin;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.inject.Inject;

import org.eclipse.jetty.http.HttpStatus;

import io.github.outboundrelay.core.RelayServer;
import io.github.outboundrelay.core.oauth.OAuthEndpointPolicy;
import io.github.outboundrelay.core.oauth.OAuthProvider;
import io.github.outboundrelay.core.secrets.SecretSealer;
import io.github.outboundrelay.core.settings.OAuthProviderRequest;
import io.github.outboundrelay.core.settings.OAuthProviderSettings;
import spark.Request;
import spark.Service;

/**
 * {@code /outbound-relay/oauth-providers}: the OAuth 2.0 providers partner accounts can be connected with (issue 12;
 * the connect flow itself is not there yet). {@code GET} lists them, {@code GET|PUT|DELETE /{id}} reads, saves
 * ({@link OAuthProviderRequest}) or removes one. The client secret is write-only ({@code "clientSecretSet"}) and
 * sealed before it is stored; a moved token endpoint needs it again and makes every connected account of the provider
 * "reconnect needed" ({@link OAuthProviderSettings}). Registered in webadmin.properties {@code extensions.routes}.
 */
public class OAuthProviderRoutes extends AdminApiRoutes {
    static final String PATH = OutboundRelayRoutes.BASE + "/oauth-providers";

    private final OAuthProviderSettings providers;
    private final OAuthProviderRequest requests;

    @Inject
    public OAuthProviderRoutes(OAuthProviderSettings providers, SecretSealer sealer, OAuthEndpointPolicy policy,
                               AdminApiGuard guard) {
        super(PATH, guard);
        this.providers = providers;
        this.requests = new OAuthProviderRequest(policy, sealer);
    }

    @Override
    void defineRoutes(Service service) {
        get(service, PATH, (request, response) -> providers.all().stream().map(View::of).toList());
        get(service, PATH + "/:id", (request, response) -> View.of(existing(request)));
        put(service, PATH + "/:id", (request, response) -> {
            String id = request.params("id");
            OAuthProvider provider = requests.parse(id, request.body(), providers.find(id));
            providers.save(provider);
            return View.of(provider);
        });
        delete(service, PATH + "/:id", (request, response) -> {
            if (!providers.remove(request.params("id"))) {
                throw ApiErrors.notFound("No OAuth provider " + request.params("id"));
            }
            response.status(HttpStatus.NO_CONTENT_204);
            return "";
        });
    }

    private OAuthProvider existing(Request request) {
        return providers.find(request.params("id"))
            .orElseThrow(() -> ApiErrors.notFound("No OAuth provider " + request.params("id")));
    }

    /** A provider as the API shows it: everything but the client secret, of which only its presence is told. */
    record View(String id, String authorizationEndpoint, String tokenEndpoint, String deviceAuthorizationEndpoint,
                String clientId, boolean clientSecretSet, List<String> scopes, Map<String, String> authorizationParameters,
                Relay relay) {
        record Relay(String host, int port, String security) {
            static Relay of(RelayServer relay) {
                return new Relay(relay.host(), relay.port(), relay.security().name());
            }
        }

        static View of(OAuthProvider provider) {
            Optional<String> device = provider.deviceAuthorizationEndpoint().map(Object::toString);
            return new View(provider.id(), provider.authorizationEndpoint().toString(), provider.tokenEndpoint().toString(),
                device.orElse(null), provider.clientId(), provider.clientSecret().isPresent(), provider.scopes(),
                provider.authorizationParameters(), Relay.of(provider.relay()));
        }
    }
}
