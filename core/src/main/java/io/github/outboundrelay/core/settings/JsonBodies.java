package io.github.outboundrelay.core.settings;

import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;

import io.github.outboundrelay.core.InvalidFieldException;

/**
 * Binds the JSON request bodies of every surface (WebAdmin, the users' API) to records, with one mapper configured
 * once: a field the record does not have, a value of the wrong JSON type, or a body that is not a JSON object is a
 * 400 naming the field, as James's WebAdmin refuses what its {@code JsonExtractor} cannot bind. The JSON types are
 * strict ({@code "587"} is not a port, {@code "true"} not a boolean, {@code 5} not a string); the rules on the values
 * are the records' own, in their compact constructors.
 */
public final class JsonBodies {
    private static final ObjectMapper MAPPER = strictMapper();

    private JsonBodies() {
    }

    /** The message of a field of the wrong JSON type, instead of the default one of its Java type. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.RECORD_COMPONENT, ElementType.PARAMETER, ElementType.FIELD})
    public @interface WrongType {
        /** e.g. {@code "must be a whole number between 1 and 65535"}: follows the field's name */
        String value();
    }

    /** A field the body's record does not have. */
    public static final class UnknownFieldException extends InvalidFieldException {
        UnknownFieldException(String field, List<String> known) {
            super(field, "is not a known field (expected " + String.join(", ", known) + ")");
        }
    }

    /**
     * @return {@code body} bound to {@code type}
     * @throws InvalidFieldException naming {@code body} (not a JSON object) or the field that is refused
     */
    public static <T extends Record> T read(String body, Class<T> type) {
        T bound;
        try {
            bound = body == null || body.isBlank() ? null : MAPPER.readValue(body, type);
        } catch (UnrecognizedPropertyException e) {
            throw new UnknownFieldException(fieldName(e.getPath().subList(0, e.getPath().size() - 1), e.getPropertyName()),
                componentNames(e.getReferringClass()));
        } catch (ValueInstantiationException e) {
            // A compact constructor refused a value: its own error, naming its field.
            if (e.getCause() instanceof RuntimeException refused) {
                throw refused;
            }
            throw new InvalidFieldException("body", "could not be read");
        } catch (JsonMappingException e) {
            if (e.getPath().isEmpty()) {
                throw notAnObject();
            }
            throw wrongType(e.getPath());
        } catch (JsonProcessingException e) {
            throw new InvalidFieldException("body", "is not valid JSON");
        }
        if (bound == null) {
            throw notAnObject();
        }
        return bound;
    }

    private static InvalidFieldException notAnObject() {
        return new InvalidFieldException("body", "must be a JSON object");
    }

    /** The field is the innermost named one ({@code scopes} for an element of {@code scopes}). */
    private static InvalidFieldException wrongType(List<JsonMappingException.Reference> path) {
        int named = path.size() - 1;
        while (path.get(named).getFieldName() == null) {
            named--;
        }
        JsonMappingException.Reference field = path.get(named);
        String name = fieldName(path.subList(0, named), field.getFieldName());
        Optional<RecordComponent> component = field.getFrom() instanceof Class<?> owner
            ? component(owner, field.getFieldName()) : Optional.empty();
        return new InvalidFieldException(name, component
            .map(found -> Optional.ofNullable(found.getAnnotation(WrongType.class)).map(WrongType::value)
                .orElseGet(() -> defaultWrongType(found.getType())))
            .orElse("has the wrong type"));
    }

    private static String defaultWrongType(Class<?> type) {
        if (type == Boolean.class || type == boolean.class) {
            return "must be true or false";
        }
        if (type == Integer.class || type == int.class) {
            return "must be a whole number";
        }
        if (type == String.class || type == Optional.class) {
            return "must be a string";
        }
        if (List.class.isAssignableFrom(type)) {
            return "must be an array";
        }
        return "must be an object";
    }

    /** A nested field is named from the body's top: {@code relay.port}. */
    private static String fieldName(List<JsonMappingException.Reference> parents, String field) {
        return parents.stream()
            .map(JsonMappingException.Reference::getFieldName)
            .filter(name -> name != null)
            .map(name -> name + ".")
            .collect(Collectors.joining()) + field;
    }

    private static Optional<RecordComponent> component(Class<?> owner, String name) {
        if (!owner.isRecord()) {
            return Optional.empty();
        }
        return Arrays.stream(owner.getRecordComponents()).filter(component -> component.getName().equals(name)).findFirst();
    }

    /** The fields a record takes, in the order it declares them. */
    private static List<String> componentNames(Class<?> type) {
        return type != null && type.isRecord()
            ? Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).toList()
            : List.of();
    }

    /**
     * For a string field where leaving it out and {@code null} mean different things (a write-only secret: left out
     * keeps the stored one, {@code null} removes it): left out binds to {@code null}, {@code null} to
     * {@link Optional#empty()}, a string to itself. Use with {@code @JsonDeserialize(using = ...)}.
     */
    public static final class LeftOutOrNullText extends StdDeserializer<Optional<String>> {
        public LeftOutOrNullText() {
            super(Optional.class);
        }

        @Override
        public Optional<String> deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (parser.currentToken() != JsonToken.VALUE_STRING) {
                return (Optional<String>) context.handleUnexpectedToken(String.class, parser);
            }
            return Optional.of(parser.getText());
        }

        @Override
        public Optional<String> getNullValue(DeserializationContext context) {
            return Optional.empty();
        }

        @Override
        public Object getAbsentValue(DeserializationContext context) {
            return null;
        }
    }

    /**
     * A switch is {@code true} or {@code false}: left out it is {@code null} (the record decides: off, or kept), but
     * {@code null} is refused as a wrong type (Jackson 2.14 ignores {@code @JsonSetter(nulls = FAIL)} on records).
     */
    private static final class StrictSwitch extends StdDeserializer<Boolean> {
        StrictSwitch() {
            super(Boolean.class);
        }

        @Override
        public Boolean deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            return switch (parser.currentToken()) {
                case VALUE_TRUE -> Boolean.TRUE;
                case VALUE_FALSE -> Boolean.FALSE;
                default -> (Boolean) context.handleUnexpectedToken(Boolean.class, parser);
            };
        }

        @Override
        public Boolean getNullValue(DeserializationContext context) throws JsonMappingException {
            throw InvalidNullException.from(context, null, context.constructType(Boolean.class));
        }

        @Override
        public Object getAbsentValue(DeserializationContext context) {
            return null;
        }
    }

    private static ObjectMapper strictMapper() {
        ObjectMapper mapper = JsonMapper.builder()
            .addModule(new Jdk8Module())
            .addModule(new SimpleModule().addDeserializer(Boolean.class, new StrictSwitch()))
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();
        // A number or a boolean is not text either (Jackson would read 5 as "5").
        mapper.coercionConfigFor(LogicalType.Textual)
            .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
            .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
            .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return mapper;
    }
}
