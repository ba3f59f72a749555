package io.github.outboundrelay.server.jmap;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Optional;
import java.util.Set;

import javax.annotation.PreDestroy;
import javax.inject.Inject;

import org.apache.james.jmap.JMAPConfiguration;
import org.apache.james.jmap.JMAPRoute;
import org.apache.james.jmap.JMAPRoutesHandler;
import org.apache.james.jmap.JMAPServer;
import org.apache.james.jmap.VersionParser;
import org.apache.james.util.Port;

import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;

/**
 * James 3.8.1's JMAP server listening on one address ({@code 127.0.0.1} under {@code ./run}) instead of every
 * interface: 3.8.1's {@link JMAPServer} binds reactor-netty without a host and has no setting for it. The routes, their
 * order and James's choice of route per request stay James's own: each request is answered by the action that
 * {@link JMAPServer} itself selects (its route lookup is private in 3.8.1, so it is called reflectively, checked once
 * when the server is built, so that a James without it fails at start rather than per request).
 */
public class LoopbackJmapServer extends JMAPServer {
    private final JMAPConfiguration configuration;
    private final String bindAddress;
    private final Method routeLookup;
    private Optional<DisposableServer> server = Optional.empty();

    @Inject
    public LoopbackJmapServer(JMAPConfiguration configuration, Set<JMAPRoutesHandler> handlers, VersionParser versionParser,
                              JmapBindAddress bindAddress) {
        super(configuration, handlers, versionParser);
        this.configuration = configuration;
        this.bindAddress = bindAddress.value();
        try {
            this.routeLookup = JMAPServer.class.getDeclaredMethod("handleVersionRoute", HttpServerRequest.class);
            this.routeLookup.setAccessible(true);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("This James has no JMAPServer#handleVersionRoute (written for James 3.8.1): "
                + "remove SendAsJmapModule's JMAP bind address, or update it", e);
        }
    }

    @Override
    public synchronized void start() {
        if (configuration.isEnabled() && server.isEmpty()) {
            server = Optional.of(HttpServer.create()
                .host(bindAddress)
                .port(configuration.getPort().map(Port::getValue).orElse(0))
                .handle((request, response) -> routeFor(request).handleRequest(request, response))
                .bindNow());
        }
    }

    private JMAPRoute.Action routeFor(HttpServerRequest request) {
        try {
            return (JMAPRoute.Action) routeLookup.invoke(this, request);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        }
    }

    @Override
    public synchronized Port getPort() {
        return server.map(DisposableServer::port).map(Port::of)
            .orElseThrow(() -> new IllegalStateException("JMAP is not started"));
    }

    @Override
    @PreDestroy
    public synchronized void stop() {
        server.ifPresent(DisposableServer::disposeNow);
        server = Optional.empty();
    }
}
