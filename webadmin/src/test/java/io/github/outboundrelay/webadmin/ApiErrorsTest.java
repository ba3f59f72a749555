package io.github.outboundrelay.webadmin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.james.webadmin.utils.ErrorResponder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.settings.Refusal;
import io.github.outboundrelay.core.settings.SendAsSettingsException;
import io.github.outboundrelay.core.store.StoreUnavailableException;
import spark.HaltException;

class ApiErrorsTest {
    @ParameterizedTest
    @EnumSource(Refusal.Type.class)
    void eachTypeOfTheOneTableIsJamesOwnOfTheSameName(Refusal.Type type) {
        assertThat(ApiErrors.errorType(type).getType()).isEqualTo(type.asJson());
    }

    @Test
    void everyJamesTypeIsInTheTable() {
        assertThat(Refusal.Type.values()).hasSameSizeAs(ErrorResponder.ErrorType.values());
    }

    @Test
    void aRouteAnswersWithTheTablesStatus() {
        assertThat(haltOf(new InvalidFieldException("port", "is required")).statusCode()).isEqualTo(400);
        assertThat(haltOf(new InvalidFieldException("port", "is required")).body()).contains("'port' is required")
            .contains("InvalidArgument");
        assertThat(haltOf(new SendAsSettingsException(SendAsSettingsException.Kind.OTHER_DOMAIN_REJECTS, "reject"))
            .statusCode()).isEqualTo(422);
        assertThat(haltOf(new SendAsSettingsException(SendAsSettingsException.Kind.NOT_FOUND, "none")).body())
            .contains("notFound");
        assertThat(haltOf(new StoreUnavailableException("Cannot save now")).statusCode()).isEqualTo(503);
    }

    @Test
    void aFailureThatIsNoRefusalGoesOnAsItIs() {
        IllegalStateException bug = new IllegalStateException("bug");

        assertThatThrownBy(() -> ApiErrors.validated((request, response) -> {
            throw bug;
        }).handle(null, null)).isSameAs(bug);
    }

    private static HaltException haltOf(RuntimeException refused) {
        try {
            ApiErrors.validated((request, response) -> {
                throw refused;
            }).handle(new FakeRequest(), null);
        } catch (HaltException e) {
            return e;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("no answer");
    }

    /** The method and path the 503's log line reads. */
    private static final class FakeRequest extends spark.Request {
        @Override
        public String requestMethod() {
            return "PUT";
        }

        @Override
        public String pathInfo() {
            return "/outbound-relay/domains/x";
        }
    }
}
