package io.github.outboundrelay.selfservice;

import java.util.Set;

import org.apache.james.core.Username;
import org.apache.james.user.api.UsersRepository;
import org.apache.james.user.api.UsersRepositoryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may enter the admin area: James's administrator ({@code <administratorId>} of usersrepository.xml, which
 * {@link UsersRepository#isAdministrator} reads; one account, which James also lets impersonate users over IMAP and
 * JMAP), and the James users listed in {@code admins} of outbound-relay-selfservice.properties (the area's own list,
 * granting nothing else). Asked on every request, so that a change of either takes effect at once for James's
 * administrator, and at the next start for the list.
 */
final class Administrators {
    private static final Logger LOGGER = LoggerFactory.getLogger(Administrators.class);

    private final UsersRepository users;
    private final Set<Username> listed;

    Administrators(UsersRepository users, Set<Username> listed) {
        this.users = users;
        this.listed = listed;
    }

    boolean isAdmin(Username user) {
        if (listed.contains(user)) {
            return true;
        }
        try {
            return users.isAdministrator(user);
        } catch (UsersRepositoryException | RuntimeException e) {
            // Refused, not let in: the users repository cannot tell now.
            LOGGER.warn("outbound-relay admin area: cannot tell whether a user is James's administrator ({})",
                e.getClass().getSimpleName());
            return false;
        }
    }
}
