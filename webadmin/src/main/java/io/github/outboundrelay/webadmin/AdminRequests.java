package io.github.outboundrelay.webadmin;

import javax.inject.Inject;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.api.DomainListException;
import org.apache.james.user.api.UsersRepository;
import org.apache.james.user.api.UsersRepositoryException;

import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.PlainAddress;
import io.github.outboundrelay.core.settings.JsonBodies;
import spark.Request;

/**
 * What every admin route reads from a request, checked the same way everywhere: a known domain or user (404
 * otherwise), a valid address, a JSON body bound to its record (400 naming the field).
 */
class AdminRequests {
    private final DomainList domainList;
    private final UsersRepository usersRepository;
    private final AdminApiGuard guard;

    @Inject
    AdminRequests(DomainList domainList, UsersRepository usersRepository, AdminApiGuard guard) {
        this.domainList = domainList;
        this.usersRepository = usersRepository;
        this.guard = guard;
    }

    /** For a WebAdmin on loopback (tests). */
    AdminRequests(DomainList domainList, UsersRepository usersRepository) {
        this(domainList, usersRepository, AdminApiGuard.loopbackOnly());
    }

    /** The guard every route under /outbound-relay is behind ({@link AdminApiRoutes} registers it). */
    AdminApiGuard guard() {
        return guard;
    }

    Domain knownDomain(Request request) {
        Domain domain;
        try {
            domain = Domain.of(request.params("domain"));
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException("domain", "is not a valid domain: " + e.getMessage());
        }
        try {
            if (!domainList.containsDomain(domain)) {
                throw ApiErrors.notFound("Domain " + domain.asString() + " is not a domain of this server");
            }
        } catch (DomainListException e) {
            throw ApiErrors.serverError("Cannot read the domain list");
        }
        return domain;
    }

    Username knownUser(Request request) {
        Username user;
        try {
            user = Username.of(request.params("user"));
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException("user", "is not a valid user name: " + e.getMessage());
        }
        try {
            if (!usersRepository.contains(user)) {
                throw ApiErrors.notFound("User " + user.asString() + " does not exist");
            }
        } catch (UsersRepositoryException e) {
            throw ApiErrors.serverError("Cannot read the users repository");
        }
        return user;
    }

    /** A plain send-as address ({@link PlainAddress}), 400 naming {@code address} otherwise. */
    static MailAddress address(Request request) {
        return PlainAddress.parse(request.params("address"));
    }

    /** The JSON body bound to {@code type} ({@link JsonBodies}: 400 naming the field). */
    static <T extends Record> T body(Request request, Class<T> type) {
        return JsonBodies.read(request.body(), type);
    }
}
