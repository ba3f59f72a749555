package io.github.outboundrelay.core.settings;

import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.outboundrelay.core.InvalidFieldException;

/** The JSON bodies of the send-as settings APIs, read the same way by every surface (400 naming the field). */
public final class SettingsJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SettingsJson() {
    }

    /** A request body that must be a JSON object: {@code 'body'} is named otherwise. */
    public static JsonNode readObject(String body) {
        try {
            JsonNode node = body == null ? null : MAPPER.readTree(body);
            if (node == null || !node.isObject()) {
                throw new InvalidFieldException("body", "must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new InvalidFieldException("body", "is not valid JSON");
        }
    }

    /** The code of a confirmation, {@code {"code": "..."}}. */
    public static String code(JsonNode body) {
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

    /** A string field that may be absent or null; any other JSON type is refused naming the field. */
    public static Optional<String> optionalText(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw new InvalidFieldException(field, "must be a string");
        }
        return Optional.of(value.textValue());
    }
}
