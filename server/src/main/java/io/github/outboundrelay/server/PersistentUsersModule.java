package io.github.outboundrelay.server;

import java.nio.file.Path;
import java.util.Map;

import javax.persistence.EntityManagerFactory;

import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.jpa.JPADomainList;
import org.apache.james.domainlist.lib.DomainListConfiguration;
import org.apache.james.filesystem.api.JamesDirectoriesProvider;
import org.apache.james.rrt.api.RecipientRewriteTable;
import org.apache.james.rrt.jpa.JPARecipientRewriteTable;
import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.apache.james.user.api.UsersRepository;
import org.apache.james.user.jpa.JPAUsersRepository;
import org.apache.james.utils.InitializationOperation;
import org.apache.james.utils.InitilizationOperationBuilder;
import org.apache.openjpa.persistence.OpenJPAPersistence;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Scopes;
import com.google.inject.Singleton;
import com.google.inject.multibindings.ProvidesIntoSet;

/**
 * James's users, domains and recipient rewrites (aliases, forwards) that survive a restart: binds James 3.8.1's own
 * {@link JPAUsersRepository}, {@link JPADomainList} and {@link JPARecipientRewriteTable} (james-server-data-jpa, as
 * the JPA flavour binds them) over the memory server's {@code UsersRepository}, {@code DomainList} and
 * {@code RecipientRewriteTable}, on an embedded Derby database under {@code <James var directory>/store/derby}. They
 * read {@code usersrepository.xml}, {@code domainlist.xml} and {@code recipientrewritetable.xml}, as in every flavour.
 * <p>
 * What the unpublished {@code james-server-jpa-common-guice} of 3.8.1 wires for these three, minus its
 * {@code james-database.properties}: ./run's database is always the embedded one.
 */
public class PersistentUsersModule extends AbstractModule {
    static final String PERSISTENCE_UNIT = "outbound-relay-run-users";
    static final String PERSISTENCE_XML = "io/github/outboundrelay/server/users-persistence.xml";

    @Override
    protected void configure() {
        bind(JPAUsersRepository.class).in(Scopes.SINGLETON);
        bind(UsersRepository.class).to(JPAUsersRepository.class);
        bind(JPADomainList.class).in(Scopes.SINGLETON);
        bind(DomainList.class).to(JPADomainList.class);
        bind(JPARecipientRewriteTable.class).in(Scopes.SINGLETON);
        bind(RecipientRewriteTable.class).to(JPARecipientRewriteTable.class);
    }

    @Provides
    @Singleton
    EntityManagerFactory entityManagerFactory(JamesDirectoriesProvider directories) {
        Path database = Path.of(directories.getVarDirectory(), "store", "derby").toAbsolutePath();
        // Derby writes its log to derby.log in the process's directory (the repository under ./run) unless told.
        if (System.getProperty("derby.stream.error.file") == null) {
            System.setProperty("derby.stream.error.file", database.resolveSibling("derby.log").toString());
        }
        return OpenJPAPersistence.createEntityManagerFactory(PERSISTENCE_UNIT, PERSISTENCE_XML, Map.of(
            "openjpa.ConnectionDriverName", "org.apache.derby.jdbc.EmbeddedDriver",
            "openjpa.ConnectionURL", "jdbc:derby:" + database + ";create=true"));
    }

    @ProvidesIntoSet
    InitializationOperation configureUsersRepository(ConfigurationProvider configurationProvider, JPAUsersRepository usersRepository) {
        return InitilizationOperationBuilder
            .forClass(JPAUsersRepository.class)
            .init(() -> usersRepository.configure(configurationProvider.getConfiguration("usersrepository")));
    }

    @ProvidesIntoSet
    InitializationOperation configureRecipientRewriteTable(ConfigurationProvider configurationProvider,
                                                           JPARecipientRewriteTable recipientRewriteTable) {
        return InitilizationOperationBuilder
            .forClass(JPARecipientRewriteTable.class)
            .init(() -> recipientRewriteTable.configure(configurationProvider.getConfiguration("recipientrewritetable")));
    }

    @ProvidesIntoSet
    InitializationOperation configureDomainList(DomainListConfiguration configuration, JPADomainList domainList) {
        return InitilizationOperationBuilder
            .forClass(JPADomainList.class)
            .init(() -> domainList.configure(configuration));
    }
}
