package org.syshotplug.benchmarks;

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
 * The least a caller must hand a handler when it calls the chain itself, without the sequencer:
 * the baseline a user who wires handlers by hand would pay.
 */
final class DirectContext implements HandlerContext {

    private final HotplugRequest request;
    private final List<DeviceRef> devices;
    private final Map<String, Object> attributes = new HashMap<>();
    private final UndoLog undo = UndoLog.inMemory();
    private final Instant deadline = Instant.MAX;

    DirectContext(HotplugRequest request) {
        this.request = request;
        this.devices = request.targets();
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
        throw new UnsupportedOperationException("the direct baseline resolves nothing");
    }

    @Override
    public void addDevices(Collection<DeviceRef> more) {
        throw new UnsupportedOperationException("the direct baseline adds no devices");
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
        return deadline;
    }

    @Override
    public boolean expired() {
        return false;
    }

    @Override
    public void progress(DeviceRef device, int done, int total, String message) {
        // nobody listens in the baseline
    }
}
