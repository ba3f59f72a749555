package io.github.outboundrelay.webadmin;

import javax.inject.Inject;

import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.utils.JsonTransformer;

import io.github.outboundrelay.core.SecretRotation;
import spark.Service;

/**
 * {@code POST /outbound-relay/secrets/rotation}: a new key in the key file becomes the active one and every stored
 * relay password is sealed again under it; answers {@code {"activeKeyId": "...", "resealed": n}} (never a key).
 * Several James nodes share the key file: copy the new file to every node before the others read a password sealed
 * with the new key (see README). Registered in webadmin.properties {@code extensions.routes}.
 */
public class SecretRotationRoutes implements Routes {
    static final String PATH = OutboundRelayRoutes.BASE + "/secrets/rotation";

    private final SecretRotation rotation;
    private final JsonTransformer json = new JsonTransformer();

    @Inject
    public SecretRotationRoutes(SecretRotation rotation) {
        this.rotation = rotation;
    }

    @Override
    public String getBasePath() {
        return PATH;
    }

    @Override
    public void define(Service service) {
        service.post(PATH, ApiErrors.validated((request, response) -> rotation.rotate()), json);
    }
}
