package org.syshotplug.sequencer.internal;

import java.io.File;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.util.promise.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syshotplug.api.HandlerInfo;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.HotplugService;
import org.syshotplug.api.ProgressListener;
import org.syshotplug.api.RequestStatus;
import org.syshotplug.platform.SystemFiles;
import org.syshotplug.shell.ResultView;
import org.syshotplug.spi.HandlerProperties;
import org.syshotplug.spi.HotplugHandler;

/** The OSGi face of the {@link Sequencer}: handlers come and go as services, settings from ConfigAdmin. */
@Component(service = HotplugService.class, configurationPid = HotplugServiceComponent.PID, immediate = true)
@Designate(ocd = SequencerConfiguration.class)
public class HotplugServiceComponent implements HotplugService {

    static final String PID = "org.syshotplug.sequencer";
    static final String JOURNAL_FILE = "journal.log";

    private static final Logger LOG = LoggerFactory.getLogger(HotplugServiceComponent.class);

    private final Sequencer sequencer;
    // EventAdmin keeps the order of asynchronous events only per posting thread: QUEUED comes from
    // the submitter, STARTED and the outcome from the worker, so every post goes through this one
    // thread, in the order the sequencer made them.
    private final ExecutorService poster = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "hotplug-events");
        t.setDaemon(true);
        return t;
    });

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile EventAdmin eventAdmin;

    /** Which machine the results name; "unknown" until a platform registers its SystemFiles. */
    private volatile String machine = HotplugResult.UNKNOWN_MACHINE;

    @Activate
    public HotplugServiceComponent(SequencerConfiguration config, BundleContext context) {
        File journal = config.journal() && context != null ? context.getDataFile(JOURNAL_FILE) : null;
        this.sequencer = new Sequencer(settings(config).withMachine(machine), this::post,
                journal == null ? null : journal.toPath());
        sequencer.refuseUntilAcknowledged(config.journalRefuseUntilAcknowledged());
        sequencer.recovery().onSuccess(recovered -> recovered.forEach(
                r -> LOG.warn("recovered after restart: {}", ResultView.summary(r))));
    }

    @Modified
    void modified(SequencerConfiguration config) {
        sequencer.updateSettings(settings(config).withMachine(machine));
        sequencer.refuseUntilAcknowledged(config.journalRefuseUntilAcknowledged());
    }

    /** The engine, for the other commands of this bundle ({@code hotplug:journal}). */
    Sequencer sequencer() {
        return sequencer;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindSystemFiles(SystemFiles files) {
        machineIs(describe(files));
    }

    void unbindSystemFiles(SystemFiles files) {
        machineIs(HotplugResult.UNKNOWN_MACHINE);
    }

    private void machineIs(String name) {
        machine = name;
        // The constructor sets the machine itself when a SystemFiles is bound before it ends.
        if (sequencer != null) {
            sequencer.updateSettings(sequencer.settings().withMachine(name));
        }
    }

    private static String describe(SystemFiles files) {
        try {
            return files.describe();
        } catch (RuntimeException e) {
            LOG.warn("the platform could not say which machine it is: {}", e.toString());
            return HotplugResult.UNKNOWN_MACHINE;
        }
    }

    @Deactivate
    void deactivate() {
        sequencer.close();
        poster.shutdown();
    }

    @Reference(service = HotplugHandler.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            target = HandlerProperties.HANDLER_FILTER)
    void bindHandler(HotplugHandler handler, ServiceReference<HotplugHandler> reference) {
        try {
            sequencer.addHandler(handler, properties(reference), () -> inService(reference));
        } catch (IllegalArgumentException e) {
            LOG.error("handler service {} of bundle {} left out of the chain: {}",
                    reference.getProperty("service.id"), bundleName(reference), e.getMessage());
        }
    }

    void updatedHandler(HotplugHandler handler, ServiceReference<HotplugHandler> reference) {
        try {
            sequencer.updateHandler(handler, properties(reference));
        } catch (IllegalArgumentException e) {
            LOG.error("new properties of handler service {} refused, keeping the old ones: {}",
                    reference.getProperty("service.id"), e.getMessage());
        }
    }

    void unbindHandler(HotplugHandler handler) {
        sequencer.removeHandler(handler);
    }

    @Override
    public Promise<HotplugResult> submit(HotplugRequest request) {
        return sequencer.submit(request);
    }

    @Override
    public Promise<HotplugResult> submit(HotplugRequest request, ProgressListener listener) {
        return sequencer.submit(request, listener);
    }

    @Override
    public boolean cancel(String requestId) {
        return sequencer.cancel(requestId);
    }

    @Override
    public List<RequestStatus> requests() {
        return sequencer.requests();
    }

    @Override
    public List<HotplugResult> history(int max) {
        return sequencer.history(max);
    }

    @Override
    public List<HandlerInfo> handlers() {
        return sequencer.handlers();
    }

    static SequencerSettings settings(SequencerConfiguration config) {
        return new SequencerSettings(config.queueCapacity(), Duration.ofMillis(config.handlerDeadlineMillis()),
                config.trace(), config.historySize(), config.maxStuckThreads(), HotplugResult.UNKNOWN_MACHINE);
    }

    private void post(String topic, Map<String, Object> properties) {
        EventAdmin events = eventAdmin;
        if (events != null) {
            Event event = new Event(topic, properties);
            try {
                poster.execute(() -> events.postEvent(event));
            } catch (RejectedExecutionException e) {
                // deactivated: the events of a closing sequencer go nowhere, as with no EventAdmin
            }
        }
    }

    /** False once the providing bundle is stopping, or the service is gone. */
    static boolean inService(ServiceReference<?> reference) {
        Bundle bundle = reference.getBundle();
        return bundle != null && (bundle.getState() & (Bundle.STARTING | Bundle.ACTIVE)) != 0;
    }

    private static Map<String, Object> properties(ServiceReference<?> reference) {
        Map<String, Object> properties = new HashMap<>();
        for (String key : reference.getPropertyKeys()) {
            properties.put(key, reference.getProperty(key));
        }
        properties.put(Sequencer.BUNDLE_PROPERTY, bundleName(reference));
        return properties;
    }

    private static String bundleName(ServiceReference<?> reference) {
        Bundle b = reference.getBundle();
        return b == null ? "unknown" : b.getSymbolicName();
    }
}
