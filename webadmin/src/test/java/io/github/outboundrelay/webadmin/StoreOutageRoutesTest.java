package io.github.outboundrelay.webadmin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import javax.crypto.spec.SecretKeySpec;

import org.apache.james.core.Domain;
import org.apache.james.core.Username;
import org.apache.james.dnsservice.api.InMemoryDNSService;
import org.apache.james.domainlist.lib.DomainListConfiguration;
import org.apache.james.domainlist.memory.MemoryDomainList;
import org.apache.james.user.memory.MemoryUsersRepository;
import org.apache.james.webadmin.WebAdminServer;
import org.apache.james.webadmin.WebAdminUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import io.github.outboundrelay.core.DomainRelayPolicy;
import io.github.outboundrelay.core.RelayLogin;
import io.github.outboundrelay.core.RelayServer;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.net.RelayConnector;
import io.github.outboundrelay.core.secrets.AesGcmSecretSealer;
import io.github.outboundrelay.core.settings.DomainPolicySettings;
import io.github.outboundrelay.core.settings.SendAsSettings;
import io.github.outboundrelay.core.settings.SettingsEvents;
import io.github.outboundrelay.core.store.DomainRelayPolicies;
import io.github.outboundrelay.core.store.StoreUnavailableException;
import io.github.outboundrelay.core.store.memory.InMemorySendAsRegistry;
import io.github.outboundrelay.core.store.memory.InMemorySettingsEventLog;
import io.github.outboundrelay.core.store.memory.InMemoryVerifications;
import io.github.outboundrelay.core.verification.SendAsVerifier;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * While the store cannot be reached, writes answer 503 naming what could not be done (never the database details),
 * and reads keep answering from the in-memory view.
 */
class StoreOutageRoutesTest {
    static final String SEND_AS = "/outbound-relay/users/alice@ourdomain.test/send-as/alice@partner.test";

    /** The relay checks are not what this test is about: every relay passes them. */
    static final RelayConnector ACCEPTING_EVERY_RELAY = new RelayConnector() {
        @Override
        public void checkTarget(RelayServer relay) {
        }

        @Override
        public io.github.outboundrelay.core.RelayOutcome probe(SendAsAddress sendAs, RelayLogin login) {
            return new io.github.outboundrelay.core.RelayOutcome.Delivered();
        }

        @Override
        public boolean mailsCodesThroughRelays() {
            return false;
        }

        @Override
        public io.github.outboundrelay.core.RelayOutcome sendVerificationCode(SendAsAddress sendAs, java.util.Optional<RelayLogin> login, String code) {
            return new io.github.outboundrelay.core.RelayOutcome.Delivered();
        }
    };

    WebAdminServer server;
    RequestSpecification admin;
    boolean storeDown;

    @BeforeEach
    void setUp() throws Exception {
        MemoryDomainList domains = new MemoryDomainList(new InMemoryDNSService());
        domains.configure(DomainListConfiguration.builder().autoDetect(false).autoDetectIp(false).build());
        domains.addDomain(Domain.of("ourdomain.test"));
        MemoryUsersRepository users = MemoryUsersRepository.withVirtualHosting(domains);
        users.addUser(Username.of("alice@ourdomain.test"), "secret");
        InMemorySendAsRegistry registry = new InMemorySendAsRegistry() {
            @Override
            public void register(SendAsAddress sendAs) {
                failWhileDown("register a send-as address");
                super.register(sendAs);
            }
        };
        DomainRelayPolicies policies = new DomainRelayPolicies() {
            @Override
            public DomainRelayPolicy get(Domain domain) {
                // Allowed: writes of send-as addresses need it.
                return new DomainRelayPolicy(domain, true);
            }

            @Override
            public void set(DomainRelayPolicy policy) {
                failWhileDown("set a domain policy");
            }
        };
        AesGcmSecretSealer sealer = new AesGcmSecretSealer(Map.of("k", new SecretKeySpec(new byte[32], "AES")), "k");
        SendAsVerifier verifier = new SendAsVerifier(new InMemoryVerifications());
        SettingsEvents events = new SettingsEvents(new InMemorySettingsEventLog());
        OutboundRelayRoutes routes = new OutboundRelayRoutes(new AdminRequests(domains, users),
            new DomainPolicySettings(policies, events), new SendAsSettings(registry, policies, domains, sealer, verifier, ACCEPTING_EVERY_RELAY, events));
        server = WebAdminUtils.createWebAdminServer(routes).start();
        admin = WebAdminUtils.buildRequestSpecification(server).setContentType(ContentType.JSON).build();
    }

    @AfterEach
    void tearDown() {
        server.destroy();
    }

    @Test
    void writesAnswer503WhileTheStoreIsDownAndReadsStillAnswer() {
        given().spec(admin).body(sendAsBody()).put(SEND_AS).then().statusCode(200);
        storeDown = true;

        given().spec(admin).body(Map.of("allowed", true)).put("/outbound-relay/domains/ourdomain.test")
            .then().statusCode(503).body("message", containsString("set a domain policy"))
            .body("message", not(containsString("jdbc")));
        given().spec(admin).body(sendAsBody()).put(SEND_AS)
            .then().statusCode(503).body("message", containsString("register a send-as address"));
        given().spec(admin).get(SEND_AS).then().statusCode(200).body("host", equalTo("smtp.partner.test"));
        given().spec(admin).get("/outbound-relay/domains/ourdomain.test").then().statusCode(200).body("allowed", equalTo(true));
    }

    /** The path comes URL-decoded (the address is taken without the spaces around it): its CR/LF is logged escaped. */
    @Test
    void theLogLineOfA503HoldsThePathOnOneLine() {
        Logger logger = (Logger) LoggerFactory.getLogger(ApiErrors.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        storeDown = true;
        try {
            given().spec(admin).urlEncodingEnabled(false).body(sendAsBody())
                .put(SEND_AS + "%0D%0A").then().statusCode(503);
        } finally {
            logger.detachAppender(logged);
        }

        assertThat(logged.list).singleElement().extracting(ILoggingEvent::getFormattedMessage)
            .satisfies(line -> assertThat(line).contains("answered 503").contains("alice@partner.test\\r\\n")
                .doesNotContain("\r", "\n"));
    }

    private void failWhileDown(String operation) {
        if (storeDown) {
            throw new StoreUnavailableException("The outbound-relay store is unavailable: could not " + operation
                + "; nothing was changed, retry later", new java.sql.SQLException("jdbc:postgresql://db:5432 refused"));
        }
    }

    private static Map<String, Object> sendAsBody() {
        return Map.of("host", "smtp.partner.test", "port", 587, "security", "STARTTLS", "username", "alice",
            "password", "secret");
    }
}
