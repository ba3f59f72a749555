package io.github.outboundrelay.webadmin;

import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.utils.JsonTransformer;

import spark.Route;
import spark.Service;

/**
 * What every route class of the admin API shares: the path James filters it under, {@link AdminApiGuard} registered
 * before any of its routes, and handlers whose answers are rendered as JSON and whose refusals {@link ApiErrors}
 * turns into James's error documents. A subclass only says which routes it has ({@link #defineRoutes}).
 */
abstract class AdminApiRoutes implements Routes {
    private final String basePath;
    private final AdminApiGuard guard;
    private final JsonTransformer json = new JsonTransformer();

    AdminApiRoutes(String basePath, AdminApiGuard guard) {
        this.basePath = basePath;
        this.guard = guard;
    }

    @Override
    public final String getBasePath() {
        return basePath;
    }

    @Override
    public final void define(Service service) {
        guard.protect(service);
        defineRoutes(service);
    }

    /** Registers the routes, with {@link #get}, {@link #post}, {@link #put} and {@link #delete}. */
    abstract void defineRoutes(Service service);

    void get(Service service, String path, Route route) {
        service.get(path, ApiErrors.validated(route), json);
    }

    void post(Service service, String path, Route route) {
        service.post(path, ApiErrors.validated(route), json);
    }

    void put(Service service, String path, Route route) {
        service.put(path, ApiErrors.validated(route), json);
    }

    /** A delete answers 204 with no body: {@code route} sets the status and returns "", which is not rendered. */
    void delete(Service service, String path, Route route) {
        service.delete(path, ApiErrors.validated(route));
    }
}
