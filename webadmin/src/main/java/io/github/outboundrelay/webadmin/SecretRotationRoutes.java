package io.github.outboundrelay.webadmin;

import javax.inject.Inject;


import io.github.outboundrelay.core.secrets.SecretRotation;
import spark.Request;
import spark.Service;

/**
 * {@code POST /outbound-relay/secrets/rotation} with a JSON object body ({@code {}}): a new key in the key file becomes
 * the active one and every stored relay password is sealed again under it; answers
 * {@code {"activeKeyId": "...", "resealed": n, "retiredKeys": [...]}} (never a key). With
 * {@code {"retireUnusedKeys": true}}, the keys no stored password uses any more are then dropped from the key file. The
 * body is required so that a plain cross-site form, which can send neither a JSON content type nor a JSON body, cannot
 * trigger a rotation. Several James nodes share the
 * key file: copy the new file to every node before the others read a password sealed with the new key (see README).
 * Registered in webadmin.properties {@code extensions.routes}.
 */
public class SecretRotationRoutes extends AdminApiRoutes {
    static final String PATH = OutboundRelayRoutes.BASE + "/secrets/rotation";

    private final SecretRotation rotation;

    @Inject
    public SecretRotationRoutes(SecretRotation rotation, AdminApiGuard guard) {
        super(PATH, guard);
        this.rotation = rotation;
    }

    @Override
    void defineRoutes(Service service) {
        post(service, PATH, (request, response) -> rotation.rotate(retireUnusedKeys(request)));
    }

    /** The body: {@code {}}, or {@code {"retireUnusedKeys": true}}. */
    record RotationRequest(Boolean retireUnusedKeys) {
    }

    private static boolean retireUnusedKeys(Request request) {
        return Boolean.TRUE.equals(AdminRequests.body(request, RotationRequest.class).retireUnusedKeys());
    }
}
