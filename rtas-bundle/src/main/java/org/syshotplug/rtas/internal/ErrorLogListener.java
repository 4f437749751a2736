package org.syshotplug.rtas.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.osgi.util.promise.Promise;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.HotplugService;
import org.syshotplug.platform.PlatformEvents;
import org.syshotplug.rtas.internal.dlpar.DlparCommand;
import org.syshotplug.rtas.internal.dlpar.HotplugErrorLog;

/**
 * Turns a firmware hot-plug error log (posted by the platform as {@link PlatformEvents#RTAS_HOTPLUG})
 * into a hot-plug request, the way the kernel's {@code ras_hotplug_interrupt} queues the log for
 * {@code handle_dlpar_errorlog}. A log that does not decode is reported and dropped, as the kernel
 * drops an unknown resource.
 */
@Component(service = EventHandler.class, property = EventConstants.EVENT_TOPIC + "=" + PlatformEvents.RTAS_HOTPLUG)
public class ErrorLogListener implements EventHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorLogListener.class);

    private final HotplugService hotplug;

    @Activate
    public ErrorLogListener(@Reference(name = "hotplug") HotplugService hotplug) {
        this.hotplug = hotplug;
    }

    @Override
    public void handleEvent(Event event) {
        Object log = event.getProperty(PlatformEvents.ERROR_LOG);
        if (!(log instanceof byte[] bytes)) {
            LOG.error("hot-plug event without a byte[] '{}' property: dropped", PlatformEvents.ERROR_LOG);
            return;
        }
        submit(bytes);
    }

    /** Decodes and submits; the pending result, or null when the log did not decode. */
    Promise<HotplugResult> submit(byte[] errorLog) {
        DlparCommand command;
        try {
            command = HotplugErrorLog.decode(errorLog);
        } catch (IllegalArgumentException e) {
            LOG.error("hot-plug error log dropped: {}", e.getMessage());
            return null;
        }
        HotplugRequest request = command.toRequest();
        LOG.info("firmware hot-plug event {} -> request {}", command.toSysfsString(), request.id());
        Promise<HotplugResult> result = hotplug.submit(request);
        result.onResolve(() -> LOG.info("firmware hot-plug request {} ended", request.id()));
        return result;
    }
}
