package io.github.outboundrelay.selfservice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.commons.configuration2.PropertiesConfiguration;
import org.apache.james.core.Domain;
import org.apache.james.core.Username;
import org.apache.james.dnsservice.api.InMemoryDNSService;
import org.apache.james.domainlist.lib.DomainListConfiguration;
import org.apache.james.domainlist.memory.MemoryDomainList;
import org.apache.james.user.memory.MemoryUsersRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Who enters the admin area, and which paths are the area's. */
class AdministratorsTest {
    static final Username ROOT = Username.of("root@ourdomain.test");
    static final Username BOSS = Username.of("boss@ourdomain.test");
    static final Username ALICE = Username.of("alice@ourdomain.test");

    @Test
    void jamesAdministratorAndTheListedUsersAreAdminsNobodyElse() throws Exception {
        Administrators administrators = new Administrators(usersWithAdministrator(ROOT), Set.of(BOSS));

        assertThat(administrators.isAdmin(ROOT)).isTrue();
        assertThat(administrators.isAdmin(BOSS)).isTrue();
        assertThat(administrators.isAdmin(ALICE)).isFalse();
        assertThat(administrators.isAdmin(Username.of("root@elsewhere.test"))).isFalse();
    }

    @Test
    void withoutAdministratorIdAndListNobodyIsAdmin() throws Exception {
        Administrators administrators = new Administrators(usersWithAdministrator(null), Set.of());

        assertThat(administrators.isAdmin(ROOT)).isFalse();
    }

    @Test
    void theListIsReadCommaSeparatedInAnyCaseAndABadNameNamesTheKey() {
        PropertiesConfiguration conf = new PropertiesConfiguration();
        conf.addProperty("enabled", "true");
        conf.addProperty("https.keystore", "file://conf/keystore");
        conf.addProperty("https.keystore.password", "p");
        conf.addProperty("admins", "Boss@ourdomain.test, root@ourdomain.test");
        assertThat(SelfServiceConfiguration.from(conf).admins()).containsExactlyInAnyOrder(BOSS, ROOT);

        conf.setProperty("admins", "boss");
        assertThatThrownBy(() -> SelfServiceConfiguration.from(conf)).hasMessageStartingWith("'admins'");
        conf.clearProperty("admins");
        assertThat(SelfServiceConfiguration.from(conf).admins()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/admin", "/admin/", "/admin/send-as", "/Admin", "/ADMIN/audit", "//admin", "/./admin",
        "/%61dmin", "/admin;x=1", "/admin%2Fsend-as"})
    void everyWaySparkCouldRouteIntoTheAreaIsTheAreas(String path) {
        assertThat(AdminArea.isAdminPath(path)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/send-as", "/administrator", "/api/admin", "/sign-in", "/style.css", "/x/admin"})
    void otherPathsAreNot(String path) {
        assertThat(AdminArea.isAdminPath(path)).isFalse();
    }

    private static MemoryUsersRepository usersWithAdministrator(Username administrator) throws Exception {
        MemoryDomainList domains = new MemoryDomainList(new InMemoryDNSService());
        domains.configure(DomainListConfiguration.builder().autoDetect(false).autoDetectIp(false).build());
        domains.addDomain(Domain.of("ourdomain.test"));
        MemoryUsersRepository users = MemoryUsersRepository.withVirtualHosting(domains);
        BaseHierarchicalConfiguration conf = new BaseHierarchicalConfiguration();
        conf.addProperty("enableVirtualHosting", true);
        if (administrator != null) {
            conf.addProperty("administratorId", administrator.asString());
        }
        users.configure(conf);
        return users;
    }
}
