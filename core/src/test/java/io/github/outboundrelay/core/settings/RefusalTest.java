package io.github.outboundrelay.core.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.store.StoreUnavailableException;

class RefusalTest {
    @ParameterizedTest
    @CsvSource({
        "NOT_FOUND, 404, notFound",
        "DOMAIN_NOT_ALLOWED, 403, WrongState",
        "CONFLICT, 409, WrongState",
        "RELAY_CHECK_FAILED, 422, InvalidArgument",
        "OTHER_DOMAIN_REJECTS, 422, InvalidArgument",
        "TOO_MANY_REQUESTS, 429, InvalidArgument",
        "UNAVAILABLE, 503, ServerError"})
    void eachSettingsRefusalHasOneStatusAndType(SendAsSettingsException.Kind kind, int status, String type) {
        Refusal refusal = Refusal.of(new SendAsSettingsException(kind, "why")).orElseThrow();

        assertThat(refusal.status()).isEqualTo(status);
        assertThat(refusal.document()).isEqualTo(new Refusal.Document(status, type, "why"));
    }

    @Test
    void everyKindIsMapped() {
        for (SendAsSettingsException.Kind kind : SendAsSettingsException.Kind.values()) {
            assertThat(Refusal.of(new SendAsSettingsException(kind, "why"))).isPresent();
        }
    }

    @Test
    void aRefusedFieldIsA400NamingIt() {
        Refusal refusal = Refusal.of(new InvalidFieldException("port", "is required")).orElseThrow();

        assertThat(refusal).isEqualTo(new Refusal(400, Refusal.Type.INVALID_ARGUMENT, "'port' is required", Optional.of("port")));
    }

    @Test
    void theFieldARefusalConcernsIsKeptWhereThePageShowsIt() {
        assertThat(Refusal.of(new SendAsSettingsException(SendAsSettingsException.Kind.CONFLICT, Optional.of("address"), "taken"))
            .orElseThrow().field()).contains("address");
        assertThat(Refusal.of(new SendAsSettingsException(SendAsSettingsException.Kind.RELAY_CHECK_FAILED, Optional.of("host"),
            "unreachable")).orElseThrow().field()).contains("host");
    }

    @Test
    void aStoreThatCannotBeReachedIs503AndAFailureIsNoRefusal() {
        assertThat(Refusal.of(new StoreUnavailableException("Cannot save now")).orElseThrow())
            .isEqualTo(new Refusal(503, Refusal.Type.SERVER_ERROR, "Cannot save now", Optional.empty()));
        assertThat(Refusal.of(new IllegalStateException("bug"))).isEmpty();
    }
}
