package io.github.outboundrelay.core.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.github.outboundrelay.core.InvalidFieldException;

class JsonBodiesTest {
    private static final String RELAY = "\"host\": \"smtp.partner.test\", \"port\": 587, \"security\": \"STARTTLS\", "
        + "\"username\": \"alice\"";

    @Test
    void anUnknownFieldIsNamedWithTheFieldsTheRecordTakesInItsOrder() {
        assertThatThrownBy(() -> JsonBodies.read("{" + RELAY + ", \"colour\": \"red\"}", SendAsRequest.Body.class))
            .isInstanceOf(JsonBodies.UnknownFieldException.class)
            .hasMessage("'colour' is not a known field (expected host, port, security, username, password, verified, "
                + "displayName)")
            .extracting(e -> ((InvalidFieldException) e).getField()).isEqualTo("colour");
    }

    @Test
    void anUnknownFieldInANestedObjectIsNamedFromTheTop() {
        assertThatThrownBy(() -> JsonBodies.read("{\"clientId\": \"c\", \"scopes\": [], "
                + "\"relay\": {\"host\": \"smtp.x.test\", \"port\": 587, \"security\": \"STARTTLS\", \"colour\": 1}}",
            OAuthProviderRequest.Body.class))
            .hasMessage("'relay.colour' is not a known field (expected host, port, security)");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"host\": \"smtp.partner.test\", \"port\": \"587\"}|'port' must be a whole number between 1 and 65535",
        "{\"host\": \"smtp.partner.test\", \"port\": 587.5}|'port' must be a whole number between 1 and 65535",
        "{\"host\": 5}|'host' must be a string",
        "{\"host\": {}}|'host' must be a string",
        "{\"displayName\": true}|'displayName' must be a string",
        "{\"verified\": \"true\"}|'verified' must be true or false",
        "{\"verified\": 1}|'verified' must be true or false"})
    void aValueOfTheWrongJsonTypeIsNamed(String body, String message) {
        assertThatThrownBy(() -> JsonBodies.read(body, SendAsRequest.Body.class))
            .isInstanceOf(InvalidFieldException.class).hasMessage(message);
    }

    @Test
    void aWrongTypeInANestedObjectOrAnArrayNamesTheField() {
        assertThatThrownBy(() -> JsonBodies.read("{\"clientId\": \"c\", \"scopes\": [\"smtp\", 1], "
                + "\"relay\": {\"host\": \"smtp.x.test\", \"port\": 587, \"security\": \"STARTTLS\"}}",
            OAuthProviderRequest.Body.class))
            .hasMessage("'scopes' must be an array of strings");
        assertThatThrownBy(() -> JsonBodies.read("{\"clientId\": \"c\", \"scopes\": [], "
                + "\"relay\": {\"host\": \"smtp.x.test\", \"port\": \"587\", \"security\": \"STARTTLS\"}}",
            OAuthProviderRequest.Body.class))
            .hasMessage("'relay.port' must be a whole number between 1 and 65535");
    }

    @Test
    void aFieldAPresetGivesIsRefusedNamingIt() {
        assertThatThrownBy(() -> JsonBodies.read("{\"preset\": \"google\", \"clientId\": \"a\", \"scopes\": [\"x\"]}",
            OAuthProviderRequest.Body.class))
            .hasMessage("'scopes' is given by the preset 'google'");
    }

    @Test
    void aMissingRequiredFieldIsNamedByTheRecordsOwnRule() {
        assertThatThrownBy(() -> JsonBodies.read("{\"host\": \"smtp.partner.test\"}", SendAsRequest.Body.class))
            .hasMessage("'port' is required");
        assertThatThrownBy(() -> JsonBodies.read("{}", CodeRequest.class)).hasMessage("'code' is required");
        assertThatThrownBy(() -> JsonBodies.read("{\"scopes\": []}", OAuthProviderRequest.Body.class))
            .hasMessage("'clientId' is required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"99999999999", "1e400", "123456789012345678901234567890123456789012345678901234567890"})
    void aNumberTooLongForItsFieldIsNamed(String port) {
        assertThatThrownBy(() -> JsonBodies.read("{\"host\": \"smtp.partner.test\", \"port\": " + port + "}",
            SendAsRequest.Body.class))
            .hasMessage("'port' must be a whole number between 1 and 65535");
    }

    @Test
    void leftOutAndNullAreTheSameForAPlainField() {
        assertThat(JsonBodies.read("{}", SendAsRequest.Body.class).displayName()).isNull();
        assertThat(JsonBodies.read("{\"displayName\": null}", SendAsRequest.Body.class).displayName()).isNull();
        assertThat(JsonBodies.read("{\"host\": null}", SendAsRequest.Body.class).host()).isNull();
    }

    @Test
    void aSwitchMayBeLeftOutButNotNull() {
        assertThat(JsonBodies.read("{}", SendAsRequest.Body.class).verified()).isNull();
        assertThatThrownBy(() -> JsonBodies.read("{\"verified\": null}", SendAsRequest.Body.class))
            .hasMessage("'verified' must be true or false");
    }

    @Test
    void aWriteOnlySecretTellsLeftOutFromNull() {
        String custom = "\"clientId\": \"c\", \"scopes\": [\"s\"], \"authorizationEndpoint\": \"https://idp.test/a\", "
            + "\"tokenEndpoint\": \"https://idp.test/t\", \"relay\": {\"host\": \"smtp.x.test\", \"port\": 587, \"security\": \"STARTTLS\"}";

        assertThat(JsonBodies.read("{" + custom + "}", OAuthProviderRequest.Body.class).clientSecret()).isNull();
        assertThat(JsonBodies.read("{" + custom + ", \"clientSecret\": null}", OAuthProviderRequest.Body.class)
            .clientSecret()).isEmpty();
        assertThat(JsonBodies.read("{" + custom + ", \"clientSecret\": \"s3cret\"}", OAuthProviderRequest.Body.class)
            .clientSecret()).contains("s3cret");
        assertThatThrownBy(() -> JsonBodies.read("{" + custom + ", \"clientSecret\": 5}", OAuthProviderRequest.Body.class))
            .hasMessage("'clientSecret' must be a string");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "[]|'body' must be a JSON object",
        "null|'body' must be a JSON object",
        "\"text\"|'body' must be a JSON object",
        "' '|'body' must be a JSON object",
        "{\"host\": |'body' is not valid JSON",
        "{} {}|'body' must be a JSON object"})
    void aBodyThatIsNotAJsonObjectNamesTheBody(String body, String message) {
        assertThatThrownBy(() -> JsonBodies.read(body, SendAsRequest.Body.class))
            .isInstanceOf(InvalidFieldException.class).hasMessage(message);
    }

    @Test
    void anAbsentBodyNamesTheBody() {
        assertThatThrownBy(() -> JsonBodies.read(null, CodeRequest.class)).hasMessage("'body' must be a JSON object");
    }

    @Test
    void theBodyIsBoundToTheRecord() {
        SendAsRequest.Body body = JsonBodies.read("{" + RELAY + ", \"password\": \"secret\", \"verified\": true}",
            SendAsRequest.Body.class);

        assertThat(body.port()).isEqualTo(587);
        assertThat(body.verified()).isTrue();
        assertThat(body.toString()).doesNotContain("secret");
        assertThat(body.toRequest().relay().orElseThrow().password()).isEqualTo(Optional.of("secret"));
    }
}
