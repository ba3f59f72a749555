package io.github.outboundrelay.core.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;

import org.junit.jupiter.api.Test;

import io.github.outboundrelay.core.InvalidFieldException;

class OAuthEndpointPolicyTest {
    @Test
    void httpsIsAlwaysAccepted() {
        assertThat(OAuthEndpointPolicy.httpsOnly().endpoint("tokenEndpoint", "https://login.microsoftonline.com/x/oauth2/v2.0/token"))
            .hasHost("login.microsoftonline.com");
    }

    @Test
    void httpIsRefusedInProductionEvenOnLoopback() {
        assertThatThrownBy(() -> OAuthEndpointPolicy.httpsOnly().endpoint("tokenEndpoint", "http://127.0.0.1:8080/token"))
            .isInstanceOf(InvalidFieldException.class).hasMessageStartingWith("'tokenEndpoint' must use https");
    }

    @Test
    void theTestSwitchAdmitsHttpOnLoopbackOnly() {
        OAuthEndpointPolicy tests = OAuthEndpointPolicy.forTests();
        tests.check("tokenEndpoint", URI.create("http://127.0.0.1:8080/token"));
        tests.check("tokenEndpoint", URI.create("http://[::1]:8080/token"));
        tests.check("tokenEndpoint", URI.create("http://localhost:8080/token"));
        for (String notLoopback : new String[] {"http://10.0.0.1/token", "http://localhost.evil.test/token", "http://login.partner.test/token"}) {
            assertThatThrownBy(() -> tests.check("tokenEndpoint", URI.create(notLoopback)))
                .as(notLoopback).isInstanceOf(InvalidFieldException.class);
        }
    }

    @Test
    void malformedOrCredentialBearingUrlsAreRefusedNamingTheField() {
        OAuthEndpointPolicy policy = OAuthEndpointPolicy.httpsOnly();
        assertThatThrownBy(() -> policy.endpoint("authorizationEndpoint", "")).hasMessageStartingWith("'authorizationEndpoint' is required");
        assertThatThrownBy(() -> policy.endpoint("authorizationEndpoint", "/relative")).hasMessageStartingWith("'authorizationEndpoint' must be an absolute");
        assertThatThrownBy(() -> policy.endpoint("tokenEndpoint", "https://user:pw@login.test/token")).hasMessageContaining("credentials");
        assertThatThrownBy(() -> policy.endpoint("tokenEndpoint", "ftp://login.test/token")).hasMessageContaining("must use https");
        assertThatThrownBy(() -> policy.endpoint("tokenEndpoint", "https://login.test/a b")).hasMessageStartingWith("'tokenEndpoint' is not a valid URL");
    }
}
