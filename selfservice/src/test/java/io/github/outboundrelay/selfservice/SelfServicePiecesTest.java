package io.github.outboundrelay.selfservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.commons.configuration2.BaseConfiguration;
import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.junit.jupiter.api.Test;

import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.DomainRelayPolicy;
import io.github.outboundrelay.core.RelayAttempt;
import io.github.outboundrelay.core.oauth.OAuthPresets;
import io.github.outboundrelay.core.settings.Refusal;
import io.github.outboundrelay.core.settings.SendAsView;

class SelfServicePiecesTest {
    static final Pages PAGES = new Pages();
    static final String HOSTILE = "<script>alert('x')</script> & \"q\"";
    static final String ESCAPED = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;";

    @Test
    void everythingAUserOrARelaySuppliedIsEscaped() {
        SendAsView view = new SendAsView("alice@partner.test", HOSTILE, 587, "STARTTLS", HOSTILE, false, "pending", "password",
            null, false, HOSTILE, "none", "pending", null, null);
        FormErrors errors = FormErrors.of("add", new Refusal(400, Refusal.Type.INVALID_ARGUMENT, HOSTILE, Optional.of("host")));

        String page = sendAs(HOSTILE, HOSTILE, OPEN, List.of(new SendAsPage.Row(view, HOSTILE)), HOSTILE, HOSTILE, errors,
            Map.of("host", HOSTILE), List.of(new SendAsPage.Provider("m365", HOSTILE)));

        assertThat(page).doesNotContain("<script").doesNotContain("'x'").doesNotContain("\"q\"")
            .contains("<p class=\"notice\" id=\"notice\" role=\"status\">" + ESCAPED + "</p>")
            .contains("<p class=\"error alert\" id=\"alert\" role=\"alert\">" + ESCAPED + "</p>")
            .contains("<span class=\"name\">(" + ESCAPED + ")</span>")
            .contains("<dd class=\"relay\">" + ESCAPED + ":587</dd>")
            .contains("<dd class=\"outcome\">" + ESCAPED + "</dd>")
            .contains("<input id=\"add-host\" name=\"host\" type=\"text\" value=\"" + ESCAPED + "\"")
            .contains("<p class=\"error\" id=\"add-host-error\" role=\"alert\">" + ESCAPED + "</p>")
            .contains(">Connect with " + ESCAPED + "</button>");
        assertThat(PAGES.signIn(new Pages.SignInPage(HOSTILE, HOSTILE, HOSTILE)))
            .doesNotContain("<script").contains("value=\"" + ESCAPED + "\"").contains("role=\"alert\">" + ESCAPED + "</p>");
        assertThat(PAGES.connecting(new Pages.ConnectingPage(HOSTILE, "alice@partner.test", "https://login.test/?a=" + HOSTILE)))
            .doesNotContain("<script").contains("Taking you to " + ESCAPED + " to allow");
    }

    @Test
    void thePagesAreWholeDocumentsWithTheirStyleSheetAndNoScriptOrInlineStyle() {
        assertThat(PAGES.refused(new Pages.RefusedPage("This form has expired or came from another site")))
            .startsWith("<!doctype html>").contains("<title>Refused — Send mail as</title>")
            .contains("<link rel=\"stylesheet\" href=\"/style.css\">")
            .contains("<p class=\"error\" role=\"alert\">This form has expired or came from another site: nothing was changed. "
                + "<a href=\"/send-as\">Back to your addresses</a></p>")
            .doesNotContain("<script").doesNotContain("style=").endsWith("</html>\n");
        assertThat(PAGES.back(new Pages.BackPage("/send-as/oauth/finish?state=s&code=c")))
            .contains("<meta http-equiv=\"refresh\" content=\"0;url=/send-as/oauth/finish?state&#61;s&amp;code&#61;c\">\n</head>")
            .contains("<a id=\"finish\" href=\"/send-as/oauth/finish?state&#61;s&amp;code&#61;c\">Continue</a>");
        assertThat(PAGES.stylesheet()).contains("input[aria-invalid=true] { border-color: #cf222e; }");
    }

    @Test
    void theLastOutcomeReadsAsWords() throws Exception {
        Instant now = Instant.parse("2026-11-28T10:00:00Z");
        assertThat(OutcomeWords.of(Optional.empty(), now)).isEqualTo("nothing sent yet");
        assertThat(OutcomeWords.of(Optional.of(attempt(now.minusSeconds(180), io.github.outboundrelay.core.RelayOutcome.Kind.DELIVERED)), now))
            .isEqualTo("delivered 3 minutes ago");
        assertThat(OutcomeWords.of(Optional.of(attempt(now.minusSeconds(7200), io.github.outboundrelay.core.RelayOutcome.Kind.UNREACHABLE)), now))
            .isEqualTo("waiting: the relay cannot be reached (2 hours ago)");
        assertThat(OutcomeWords.of(Optional.of(attempt(now, io.github.outboundrelay.core.RelayOutcome.Kind.AUTH_REJECTED)), now))
            .isEqualTo("the relay refused the password: update it");
        assertThat(OutcomeWords.of(Optional.of(attempt(now, io.github.outboundrelay.core.RelayOutcome.Kind.AUTH_REJECTED)), now, true))
            .isEqualTo("the provider or the relay refused the account's access: reconnect it");
        assertThat(OutcomeWords.ago(Duration.ofSeconds(61))).isEqualTo("1 minute ago");
    }

    @Test
    void theConfigurationNamesTheKeyThatIsWrong() {
        BaseConfiguration conf = new BaseConfiguration();
        assertThat(SelfServiceConfiguration.from(conf).enabled()).isFalse();
        conf.addProperty("enabled", "true");
        assertThatThrownBy(() -> SelfServiceConfiguration.from(conf))
            .isInstanceOf(InvalidFieldException.class).hasMessageStartingWith("'https.keystore'");
        conf.addProperty("https.keystore", "file://conf/keystore");
        conf.addProperty("https.keystore.password", "p");
        assertThat(SelfServiceConfiguration.from(conf).sessionLifetime()).isEqualTo(Duration.ofHours(12));
        assertThat(SelfServiceConfiguration.from(conf).sessionsPerUser()).isEqualTo(10);
        refusedNamingTheKeyThenTaken(conf, "port", "70000", "8443");
        refusedNamingTheKeyThenTaken(conf, "session.idle.minutes", "soon", "10");
        refusedNamingTheKeyThenTaken(conf, "session.lifetime.hours", "0", "8");
        refusedNamingTheKeyThenTaken(conf, "session.max.per.user", "many", "3");
        assertThat(SelfServiceConfiguration.from(conf).sessionIdle()).isEqualTo(Duration.ofMinutes(10));
        assertThat(SelfServiceConfiguration.from(conf).sessionLifetime()).isEqualTo(Duration.ofHours(8));
        assertThat(SelfServiceConfiguration.from(conf).sessionsPerUser()).isEqualTo(3);
        assertThat(SelfServiceConfiguration.from(conf).toString()).doesNotContain("p]").doesNotContain("password");
    }

    private static void refusedNamingTheKeyThenTaken(BaseConfiguration conf, String key, String wrong, String right) {
        conf.setProperty(key, wrong);
        assertThatThrownBy(() -> SelfServiceConfiguration.from(conf)).isInstanceOf(InvalidFieldException.class)
            .hasMessageStartingWith("'" + key + "'");
        conf.setProperty(key, right);
    }

    @Test
    void thePublicUrlIsAnHttpsOriginOrTheKeyIsNamed() {
        assertThat(SelfServiceConfiguration.publicUrl("")).isEmpty();
        assertThat(SelfServiceConfiguration.publicUrl(" https://mail.ourdomain.test:8443/ "))
            .contains(URI.create("https://mail.ourdomain.test:8443"));
        for (String wrong : List.of("http://mail.ourdomain.test", "https://mail.ourdomain.test/send-as", "mail.ourdomain.test",
            "https://mail.ourdomain.test?x=1", "https://[bad")) {
            assertThatThrownBy(() -> SelfServiceConfiguration.publicUrl(wrong)).as(wrong)
                .isInstanceOf(InvalidFieldException.class).hasMessageStartingWith("'public.url'");
        }
    }

    @Test
    void providersSetByTheAdminAreOfferedAsConnectButtonsInALabelledForm() {
        String microsoft = OAuthConnectRoutes.label(OAuthPresets.microsoft365("m365", "organizations", "client", Optional.empty()));
        assertThat(microsoft).isEqualTo("Microsoft 365");
        assertThat(OAuthConnectRoutes.label(OAuthPresets.google("gmail", "client", Optional.empty()))).isEqualTo("Google");

        String page = sendAs("alice@ourdomain.test", "tok", OPEN, List.of(), "", "", FormErrors.none(), Map.of(),
            List.of(new SendAsPage.Provider("m365", microsoft), new SendAsPage.Provider("gmail", "Google")));

        assertThat(page).contains("<form method=\"post\" action=\"/send-as/oauth/connect\" class=\"card\" id=\"connect\">"
            + "<input type=\"hidden\" name=\"csrf\" value=\"tok\">")
            .contains("<label for=\"connect-address\">").contains("<input id=\"connect-address\" name=\"address\"")
            .contains("<label for=\"connect-displayName\">").contains("<input id=\"connect-displayName\" name=\"displayName\"")
            .contains("<label for=\"connect-username\">").contains("<input id=\"connect-username\" name=\"username\"")
            .contains("name=\"provider\" value=\"m365\" id=\"connect-with-m365\">Connect with Microsoft 365</button>")
            .contains("name=\"provider\" value=\"gmail\" id=\"connect-with-gmail\">Connect with Google</button>")
            .doesNotContain("<script");
        assertThat(sendAs("alice@ourdomain.test", "tok", OPEN, List.of(), "", "", FormErrors.none(), Map.of(), List.of()))
            .doesNotContain("id=\"connect\"");
    }

    @Test
    void aRefusedConnectionShowsItsMessageNextToItsFieldAndKeepsWhatWasTyped() {
        FormErrors errors = FormErrors.of(SendAsPage.CONNECT_FORM, new Refusal(400, Refusal.Type.INVALID_ARGUMENT,
            "'username' is required", Optional.of("username")));

        String page = sendAs("alice@ourdomain.test", "tok", OPEN, List.of(), "", "", errors,
            Map.of("connect.address", "alice@partner.test"), List.of(new SendAsPage.Provider("partner", "partner")));

        assertThat(page).contains("<input id=\"connect-username\" name=\"username\" type=\"text\" value=\"\" "
            + "aria-describedby=\"connect-username-error\" aria-invalid=\"true\">"
            + "<p class=\"error\" id=\"connect-username-error\" role=\"alert\">&#39;username&#39; is required</p>")
            .contains("<input id=\"connect-address\" name=\"address\" type=\"email\" value=\"alice@partner.test\"");
    }

    @Test
    void anOAuthAddressWhoseGrantWasRefusedOffersReconnectAndNoPasswordEdit() {
        SendAsView view = new SendAsView("alice@partner.test", "smtp.office365.com", 587, "STARTTLS", "alice@partner.test",
            false, "verified", "oauth", "m365", true, null, "relay", "relayAllowed", null, null);

        String page = sendAs("alice@ourdomain.test", "tok", OPEN, List.of(new SendAsPage.Row(view, "nothing sent yet")),
            "", "The account was not connected", FormErrors.none(), Map.of(), List.of(new SendAsPage.Provider("m365", "Microsoft 365")));

        assertThat(page).contains("<dd class=\"credential credential-oauth\">OAuth (Microsoft 365)</dd>")
            .contains("id=\"a0-reconnect-needed\"")
            .contains("<input type=\"hidden\" name=\"provider\" value=\"m365\"><input type=\"hidden\" name=\"reconnect\" value=\"true\">")
            .contains("<button type=\"submit\" id=\"a0-reconnect\">Reconnect with Microsoft 365</button>")
            .contains("<p class=\"error alert\" id=\"alert\" role=\"alert\">The account was not connected</p>")
            .doesNotContain("/send-as/edit");
        String connected = sendAs("alice@ourdomain.test", "tok", OPEN, List.of(new SendAsPage.Row(
                new SendAsView("alice@partner.test", "smtp.office365.com", 587, "STARTTLS", "alice@partner.test", false,
                    "verified", "oauth", "m365", false, null, "relay", "relayAllowed", null, null), "nothing sent yet")),
            "", "", FormErrors.none(), Map.of(), List.of());
        assertThat(connected).doesNotContain("Reconnect").doesNotContain("id=\"alert\"");
    }

    @Test
    void anAddressWithoutRelaySaysOurServersSendItsMailAndOffersToAddAServerWithAWarningThatItAsksForANewCode() {
        SendAsView view = new SendAsView("alice@partner.test", null, null, null, null, false, "verified", null, null,
            false, null, "ourServers", "noRelay", null, null);

        String page = sendAs("alice@ourdomain.test", "tok", OPEN, List.of(new SendAsPage.Row(view, "nothing sent yet")),
            "", "", FormErrors.none(), Map.of(), List.of());

        assertThat(page).contains("<dd class=\"path path-ourServers\">Sent by ourdomain.test: some recipients see "
                + "&#39;on behalf of alice@ourdomain.test&#39;</dd>")
            .doesNotContain("/send-as/test").contains("action=\"/send-as/remove\"")
            .contains("action=\"/send-as/edit\"").contains("id=\"a0-edit-host\"")
            .contains("id=\"a0-edit-reconfirm\">Adding an SMTP server asks you to confirm the address again");
    }

    @Test
    void anAddressWhoseDomainsDmarcPolicyMattersShowsTheWarningBesideIt() {
        SendAsView view = new SendAsView("alice@partner.test", null, null, null, null, false, "verified", null, null,
            false, null, "ourServers", "noRelay", "quarantine", "partner.test asks receivers to treat mail <b>as spam</b>");

        String page = sendAs("alice@ourdomain.test", "tok", OPEN, List.of(new SendAsPage.Row(view, "nothing sent yet")),
            "", "", FormErrors.none(), Map.of(), List.of());

        assertThat(page).contains("<p class=\"blocked dmarc-warning\" id=\"a0-dmarc\" role=\"status\">partner.test asks "
            + "receivers to treat mail &lt;b&gt;as spam&lt;/b&gt;</p>");
    }

    @Test
    void whileRelaysAreOffTheAddFormAsksForTheAddressAndNameOnlyAndAStoredRelayIsNotEditable() {
        SendAsView relayKept = new SendAsView("alice@partner.test", "smtp.partner.test", 587, "STARTTLS", "alice@partner.test",
            false, "verified", "password", null, false, null, "ourServers", "relaysOff", null, null);
        SendAsView withoutRelay = new SendAsView("alice2@partner.test", null, null, null, null, false, "verified", null, null,
            false, null, "ourServers", "noRelay", null, null);

        String page = sendAs("alice@ourdomain.test", "tok", RELAYS_OFF, List.of(new SendAsPage.Row(relayKept, "nothing sent yet"),
            new SendAsPage.Row(withoutRelay, "nothing sent yet")), "", "", FormErrors.none(), Map.of(), List.of());

        assertThat(page).contains("id=\"relays-off\"").doesNotContain("id=\"not-enabled\"")
            .contains("<form method=\"post\" action=\"/send-as/add\" class=\"card\" id=\"add\">")
            .contains("id=\"add-address\"").contains("id=\"add-displayName\"")
            .doesNotContain("id=\"add-host\"").doesNotContain("id=\"add-password\"")
            .contains("<dd class=\"path path-ourServers\">Other mail servers are turned off by your administrator, so sent by "
                + "ourdomain.test: some recipients see &#39;on behalf of alice@ourdomain.test&#39;</dd>")
            .doesNotContain("id=\"a0-edit\"").doesNotContain("a0-edit-displayName")
            .contains("id=\"a1-edit-displayName\"").doesNotContain("a1-edit-host").doesNotContain("reconfirm")
            .doesNotContain("/send-as/test");
    }

    @Test
    void whileAlternateAddressesAreOffThePageSaysSoAndOffersNoForm() {
        String page = sendAs("alice@ourdomain.test", "tok", new DomainRelayPolicy(Domain.of("ourdomain.test"), true, false, false),
            List.of(), "", "", FormErrors.none(), Map.of(), List.of(new SendAsPage.Provider("m365", "Microsoft 365")));

        assertThat(page).contains("id=\"not-enabled\"").doesNotContain("id=\"relays-off\"")
            .doesNotContain("id=\"add\"").doesNotContain("id=\"connect\"");
    }

    @Test
    void onlyAnErrorCodeOfTheProviderIsRepeatedToTheUser() {
        assertThat(OAuthConnectRoutes.errorCode("invalid_scope")).isEqualTo("invalid_scope");
        assertThat(OAuthConnectRoutes.errorCode("Your account is suspended: call 555")).isEqualTo("an unreadable error");
    }

    private static String sendAs(String user, String csrf, DomainRelayPolicy policy, List<SendAsPage.Row> rows, String notice,
                                 String alert, FormErrors errors, Map<String, String> values, List<SendAsPage.Provider> providers) {
        return PAGES.sendAs(SendAsPage.of(user, csrf, policy, rows, notice, alert, errors, values, providers));
    }

    static final DomainRelayPolicy OPEN = new DomainRelayPolicy(Domain.of("ourdomain.test"), true);
    static final DomainRelayPolicy RELAYS_OFF = new DomainRelayPolicy(Domain.of("ourdomain.test"), false);

    private static RelayAttempt attempt(Instant at, io.github.outboundrelay.core.RelayOutcome.Kind outcome) throws Exception {
        return new RelayAttempt(at, Username.of("alice@ourdomain.test"), new MailAddress("alice@partner.test"),
            "smtp.partner.test", 587, "<id>", 1, outcome, Optional.empty());
    }
}
