package org.syshotplug.node.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.Phase;
import org.syshotplug.spi.HandlerContext;
import org.syshotplug.spi.UndoLog;

/** A handler context for unit tests: resolves in place, like the sequencer does. */
final class RecordingContext implements HandlerContext {

    private final HotplugRequest request;
    private final Phase phase;
    private final List<DeviceRef> devices;
    private final Map<String, Object> attributes = new HashMap<>();
    private final UndoLog undo = UndoLog.inMemory();
    final List<String> progress = new ArrayList<>();

    RecordingContext(HotplugRequest request, Phase phase) {
        this.request = request;
        this.phase = phase;
        this.devices = new ArrayList<>(request.targets());
    }

    RecordingContext(HotplugRequest request, Phase phase, List<DeviceRef> devices) {
        this.request = request;
        this.phase = phase;
        this.devices = new ArrayList<>(devices);
    }

    @Override
    public HotplugRequest request() {
        return request;
    }

    @Override
    public Phase phase() {
        return phase;
    }

    @Override
    public List<DeviceRef> devices() {
        return List.copyOf(devices);
    }

    @Override
    public List<DeviceRef> devices(String type) {
        return devices.stream().filter(d -> d.type().equals(type)).toList();
    }

    @Override
    public void resolve(DeviceRef target, Collection<DeviceRef> resolved) {
        if (phase != Phase.VALIDATE) {
            throw new IllegalStateException("resolve outside validate");
        }
        int at = devices.indexOf(target);
        if (at < 0) {
            throw new IllegalArgumentException(target + " not in " + devices);
        }
        devices.remove(at);
        List<DeviceRef> add = resolved.stream().filter(d -> !devices.contains(d)).toList();
        devices.addAll(at, add);
    }

    @Override
    public void addDevices(Collection<DeviceRef> more) {
        more.stream().filter(d -> !devices.contains(d)).forEach(devices::add);
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
        progress.add(device + " " + done + "/" + total + " " + message);
    }
}
