package io.github.outboundrelay.it;

import javax.inject.Inject;

import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.utils.GuiceProbe;

import com.google.inject.Module;
import com.google.inject.multibindings.Multibinder;

/** Reads James's metrics (its MetricFactory, where the extension counts too) in a booted test server. */
public class MetricsProbe implements GuiceProbe {
    /** Combined with a server's modules so that {@code server.getProbe(MetricsProbe.class)} finds it. */
    static final Module MODULE = binder -> Multibinder.newSetBinder(binder, GuiceProbe.class).addBinding().to(MetricsProbe.class);

    private final MetricFactory metrics;

    @Inject
    public MetricsProbe(MetricFactory metrics) {
        this.metrics = metrics;
    }

    /** The counter's value now (0 if nothing counted it yet). */
    public long count(String name) {
        return metrics.generate(name).getCount();
    }
}
