package io.github.outboundrelay.webadmin;

import javax.inject.Inject;


import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.SecretRotation;
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
    private static final String RETIRE_UNUSED_KEYS = "retireUnusedKeys";

    private final SecretRotation rotation;
    private final ObjectMapper mapper = new ObjectMapper();

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
    private boolean retireUnusedKeys(Request request) {
        JsonNode body;
        try {
            body = mapper.readTree(request.body());
        } catch (JsonProcessingException e) {
            throw new InvalidFieldException("body", "is not valid JSON");
        }
        if (body == null || !body.isObject()) {
            throw new InvalidFieldException("body", "must be a JSON object: {}, or {\"retireUnusedKeys\": true}");
        }
        body.fieldNames().forEachRemaining(name -> {
            if (!name.equals(RETIRE_UNUSED_KEYS)) {
                throw new InvalidFieldException(name, "is not a known field (expected " + RETIRE_UNUSED_KEYS + ")");
            }
        });
        JsonNode retire = body.get(RETIRE_UNUSED_KEYS);
        if (retire != null && !retire.isBoolean()) {
            throw new InvalidFieldException(RETIRE_UNUSED_KEYS, "must be true or false");
        }
        return retire != null && retire.booleanValue();
    }
}
