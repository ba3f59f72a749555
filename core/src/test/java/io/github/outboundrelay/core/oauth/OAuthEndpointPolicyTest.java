package io.github.outboundrelay.core.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

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

    @Test
    void anEndpointResolvingToAnInternalAddressIsRefusedNamingTheFieldButNotTheAddress() throws Exception {
        OAuthEndpointPolicy policy = OAuthEndpointPolicy.httpsOnly().resolvingWith(host -> switch (host) {
            case "idp.internal.test" -> new InetAddress[] {InetAddress.getByName("10.1.2.3")};
            case "mixed.partner.test" -> new InetAddress[] {InetAddress.getByName("93.184.216.34"), InetAddress.getByName("192.168.0.7")};
            case "login.partner.test" -> new InetAddress[] {InetAddress.getByName("93.184.216.34")};
            default -> InetAddress.getAllByName(host);
        });
        for (String internal : new String[] {"https://idp.internal.test/token", "https://mixed.partner.test/token",
            "https://169.254.169.254/latest/meta-data", "https://127.0.0.1:8443/token", "https://[::1]/token",
            "https://[::ffff:10.0.0.1]/token", "https://localhost/token"}) {
            assertThatThrownBy(() -> policy.endpoint("tokenEndpoint", internal)).as(internal)
                .isInstanceOf(InvalidFieldException.class).hasMessageStartingWith("'tokenEndpoint'")
                .hasMessageContaining("resolves to an internal address")
                .hasMessageNotContaining("10.1.2.3").hasMessageNotContaining("192.168.0.7");
        }
        assertThat(policy.endpoint("tokenEndpoint", "https://login.partner.test/token")).hasHost("login.partner.test");
    }

    @Test
    void aHostThatDoesNotResolveNowPassesToBeJudgedBeforeEachRequest() {
        OAuthEndpointPolicy policy = OAuthEndpointPolicy.httpsOnly().resolvingWith(host -> {
            throw new UnknownHostException(host);
        });
        assertThat(policy.endpoint("tokenEndpoint", "https://login.partner.test/token")).hasHost("login.partner.test");
    }

    @Test
    void theTestSwitchAdmitsLoopbackButNoOtherInternalAddress() {
        OAuthEndpointPolicy tests = OAuthEndpointPolicy.forTests();
        tests.check("tokenEndpoint", URI.create("https://127.0.0.1:8443/token"));
        for (String internal : new String[] {"https://10.0.0.1/token", "https://169.254.169.254/token", "https://[fd00:ec2::254]/token"}) {
            assertThatThrownBy(() -> tests.check("tokenEndpoint", URI.create(internal))).as(internal)
                .isInstanceOf(InvalidFieldException.class).hasMessageContaining("internal address");
        }
    }
}
