package io.github.outboundrelay.selfservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.io.FileInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.apache.james.core.Domain;
import org.apache.james.core.Username;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.user.api.UsersRepository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.outboundrelay.core.DomainRelayPolicy;
import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.RelayServer;
import io.github.outboundrelay.core.net.RelayConnector;
import io.github.outboundrelay.core.oauth.AccessTokenCache;
import io.github.outboundrelay.core.oauth.OAuthEndpointPolicy;
import io.github.outboundrelay.core.oauth.OAuthProvider;
import io.github.outboundrelay.core.oauth.OAuthTokenClient;
import io.github.outboundrelay.core.secrets.AesGcmSecretSealer;
import io.github.outboundrelay.core.settings.OAuthCodeConnections;
import io.github.outboundrelay.core.settings.SendAsSettings;
import io.github.outboundrelay.core.settings.SettingsEvents;
import io.github.outboundrelay.core.store.memory.InMemoryDomainRelayPolicies;
import io.github.outboundrelay.core.store.memory.InMemoryOAuthProviders;
import io.github.outboundrelay.core.store.memory.InMemoryRelayAttemptLog;
import io.github.outboundrelay.core.store.memory.InMemorySendAsRegistry;
import io.github.outboundrelay.core.store.memory.InMemorySettingsEventLog;
import io.github.outboundrelay.core.store.memory.InMemoryVerifications;
import io.github.outboundrelay.core.verification.SendAsVerifier;

/**
 * "Connect with &lt;provider&gt;" over HTTPS, signed in as Alice: the redirect URI sent to the provider is
 * {@code public.url}'s, whatever {@code Host} the request names (here {@code localhost}, which the certificate also
 * covers), and without {@code public.url} no flow begins.
 */
class OAuthConnectRoutesTest {
    static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    static final String PASSWORD = "alice-secret";

    SelfServiceServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void theRedirectUriIsPublicUrlsWhateverHostTheRequestNames() throws Exception {
        HttpResponse<String> leaving = connect(Optional.of(URI.create("https://mail.ourdomain.test:8443")));

        assertThat(leaving.statusCode()).isEqualTo(200);
        // The page is HTML: Mustache writes the URL's '=' and '&' as entities, which the browser reads back.
        String leavingTo = leaving.body().replace("&#61;", "=").replace("&amp;", "&");
        assertThat(leavingTo).contains("https://login.partner.test/authorize?")
            .contains("redirect_uri=" + URLEncoder.encode("https://mail.ourdomain.test:8443/send-as/oauth/callback", StandardCharsets.UTF_8))
            .doesNotContain("redirect_uri=" + URLEncoder.encode("https://localhost", StandardCharsets.UTF_8));
    }

    @Test
    void withoutPublicUrlNoFlowBeginsAndThePageNamesTheKey() throws Exception {
        HttpResponse<String> refused = connect(Optional.empty());

        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.body()).contains("&#39;public.url&#39;").contains("outbound-relay-selfservice.properties")
            .doesNotContain("login.partner.test/authorize");
    }

    /** Signs Alice in, then posts the connect form, all to https://localhost:port (so {@code Host: localhost:port}). */
    private HttpResponse<String> connect(Optional<URI> publicUrl) throws Exception {
        start(publicUrl);
        HttpClient http = HttpClient.newBuilder().sslContext(trustingTheKeyStore()).followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> signInForm = http.send(request("/sign-in").GET().build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> signedIn = http.send(request("/sign-in")
            .header("Cookie", cookie(signInForm, "__Host-outbound-relay-signin"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(form(Map.of("csrf", csrf(signInForm.body()), "login", "alice@ourdomain.test", "password", PASSWORD))).build(),
            HttpResponse.BodyHandlers.ofString());
        String session = cookie(signedIn, "__Host-outbound-relay");
        HttpResponse<String> page = http.send(request("/send-as").header("Cookie", session).GET().build(), HttpResponse.BodyHandlers.ofString());
        return http.send(request("/send-as/oauth/connect").header("Cookie", session)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(form(Map.of("csrf", csrf(page.body()), "address", "alice@partner.test", "username", "", "displayName", "",
                "provider", "partner"))).build(), HttpResponse.BodyHandlers.ofString());
    }

    private void start(Optional<URI> publicUrl) throws Exception {
        AesGcmSecretSealer sealer = new AesGcmSecretSealer(Map.of("k", new SecretKeySpec(new byte[32], "AES")), "k");
        InMemoryDomainRelayPolicies policies = new InMemoryDomainRelayPolicies();
        policies.set(new DomainRelayPolicy(Domain.of("ourdomain.test"), true));
        InMemoryOAuthProviders providers = new InMemoryOAuthProviders();
        providers.save(new OAuthProvider("partner", URI.create("https://login.partner.test/authorize"),
            URI.create("https://login.partner.test/token"), Optional.empty(), "outbound-relay", Optional.empty(),
            List.of("smtp", "offline_access"), Map.of(), new RelayServer("smtp.partner.test", 587, RelaySecurity.STARTTLS)));
        // No DNS for *.test here: the endpoints are taken as public.
        OAuthTokenClient client = new OAuthTokenClient(sealer, OAuthEndpointPolicy.httpsOnly().resolvingWith(host ->
            new java.net.InetAddress[] {java.net.InetAddress.getByName("93.184.216.34")}), Duration.ofSeconds(1), Clock.systemUTC());
        SendAsSettings settings = new SendAsSettings(new InMemorySendAsRegistry(), policies, mock(DomainList.class), sealer,
            new SendAsVerifier(new InMemoryVerifications()), mock(RelayConnector.class), providers,
            new AccessTokenCache(client, Clock.systemUTC(), AccessTokenCache.DEFAULT_MARGIN),
            new SettingsEvents(new InMemorySettingsEventLog()));
        UsersRepository users = mock(UsersRepository.class);
        when(users.test(eq(Username.of("alice@ourdomain.test")), eq(PASSWORD))).thenReturn(true);
        FileSystem fileSystem = mock(FileSystem.class);
        when(fileSystem.getFile(anyString())).thenReturn(SelfServiceServerTest.KEY_STORE);
        server = new SelfServiceServer(new SelfServiceConfiguration(true, "127.0.0.1", 0, "file://conf/keystore", "changeit",
            Duration.ofMinutes(30), 5, 20, Duration.ofMinutes(15), publicUrl, Duration.ofHours(12), 10), fileSystem, settings, new InMemoryRelayAttemptLog(),
            users, new OAuthCodeConnections(settings, providers, client), providers, null);
        server.start();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + path)).timeout(Duration.ofSeconds(20));
    }

    /** The test key store's certificate (localhost and 127.0.0.1), trusted as itself. */
    private static SSLContext trustingTheKeyStore() throws Exception {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(SelfServiceServerTest.KEY_STORE)) {
            keyStore.load(in, "changeit".toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(keyStore);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static String cookie(HttpResponse<?> response, String name) {
        String header = response.headers().allValues("Set-Cookie").stream().filter(value -> value.startsWith(name + "="))
            .findFirst().orElseThrow(() -> new AssertionError("no cookie " + name + " in " + response.headers()));
        return header.substring(0, header.indexOf(';'));
    }

    private static String csrf(String page) {
        Matcher matcher = CSRF.matcher(page);
        assertThat(matcher.find()).as("a CSRF token in %s", page).isTrue();
        return matcher.group(1);
    }

    private static HttpRequest.BodyPublisher form(Map<String, String> fields) {
        return HttpRequest.BodyPublishers.ofString(fields.entrySet().stream()
            .map(field -> URLEncoder.encode(field.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(field.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&")));
    }
}
