package org.syshotplug.rtas.internal;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.Phase;
import org.syshotplug.spi.HandlerContext;
import org.syshotplug.spi.UndoLog;

/**
 * One handler call outside the sequencer, with the undo log the test chooses: a recording one (the
 * journal double) for execute, a rebuilt one for a rollback after a "crash".
 */
final class StepContext implements HandlerContext {

    private final HotplugRequest request;
    private final List<DeviceRef> devices;
    private final UndoLog undo;
    private final Map<String, Object> attributes = new HashMap<>();

    StepContext(HotplugRequest request, List<DeviceRef> devices, UndoLog undo) {
        this.request = request;
        this.devices = List.copyOf(devices);
        this.undo = undo;
    }

    @Override
    public HotplugRequest request() {
        return request;
    }

    @Override
    public Phase phase() {
        return Phase.EXECUTE;
    }

    @Override
    public List<DeviceRef> devices() {
        return devices;
    }

    @Override
    public List<DeviceRef> devices(String type) {
        return devices.stream().filter(d -> d.type().equals(type)).toList();
    }

    @Override
    public void resolve(DeviceRef target, Collection<DeviceRef> resolved) {
        throw new IllegalStateException("resolve outside validate");
    }

    @Override
    public void addDevices(Collection<DeviceRef> more) {
        throw new IllegalStateException("addDevices outside validate");
    }

    @Override
    public Map<String, Object> attributes() {
        return attributes;
    }

    @Override
    public UndoLog undo() {
        return undo;
    }

    @Override
    public Instant deadline() {
        return Instant.now().plusSeconds(60);
    }

    @Override
    public boolean expired() {
        return false;
    }

    @Override
    public void progress(DeviceRef device, int done, int total, String message) {
    }
}
